#pragma once
// How the engine makes the request_decision it hands to options::allow_request.
#include <functional>
#include <optional>
#include <string>

#include "switchboard/engine/options.hpp"

namespace switchboard::engine::detail {

// A decision whose first answer (nullopt: allowed; else the refusal's message) goes to `finish`,
// from the thread that gives it; "Forbidden" when the last copy goes unanswered.
request_decision make_request_decision(std::function<void(std::optional<std::string>)> finish);

}  // namespace switchboard::engine::detail
