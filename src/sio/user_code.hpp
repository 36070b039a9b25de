#pragma once
// The policy of server.hpp for user code that throws: catch everything, count, log a warning
// naming the socket and the kind of handler. The caller then closes that socket (or refuses it).
#include <exception>
#include <string_view>

#include "server_config.hpp"

namespace switchboard::sio::detail {

// Who ran the code that threw, for the log record.
struct user_code_site {
  std::string_view kind;  // "middleware", "event", "any", "connection", "disconnect", "ack"...
  std::string_view correlation_id;
  std::string_view socket_id;
  std::string_view nsp;
};

void report_user_error(server_config& config, const user_code_site& site, std::exception_ptr error) noexcept;

// Runs `f`; false when it threw (then reported).
template <class F>
bool run_user_code(server_config& config, const user_code_site& site, F&& f) noexcept {
  try {
    f();
    return true;
  } catch (...) {
    report_user_error(config, site, std::current_exception());
    return false;
  }
}

}  // namespace switchboard::sio::detail
