#include "user_code.hpp"

#include <string>

#include "switchboard/log/log.hpp"

namespace switchboard::sio::detail {

void report_user_error(server_config& config, const user_code_site& site, std::exception_ptr error) noexcept {
  config.handler_errors.fetch_add(1, std::memory_order_relaxed);
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  try {
    log::warn("user handler threw", {{"handler", site.kind},
                                     {"correlation_id", site.correlation_id},
                                     {"socket_id", site.socket_id},
                                     {"nsp", site.nsp},
                                     {"error", what}});
  } catch (...) {  // logging must not turn a handled error into a terminate
  }
}

}  // namespace switchboard::sio::detail
