#pragma once
// Query parameters of a request target, percent-decoded.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::engine::detail {

std::optional<std::string> query_param(std::string_view target, std::string_view key);

}  // namespace switchboard::engine::detail
