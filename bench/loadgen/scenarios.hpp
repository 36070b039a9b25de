#pragma once
// The eight scenarios of bench/run.sh. Each returns one JSON object: its parameters, its figures
// and the server's CPU and memory as the kernel accounts for them.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "options.hpp"

namespace switchboard::bench {

boost::asio::awaitable<boost::json::object> run_scenario(const run_options& options);

}  // namespace switchboard::bench
