#include "switchboard/realtime/payload.hpp"

namespace switchboard::realtime::detail {

std::string join_path(const std::string& base, std::string_view member) {
  if (base.empty()) return std::string(member);
  std::string path = base;
  path += '.';
  path += member;
  return path;
}

}  // namespace switchboard::realtime::detail
