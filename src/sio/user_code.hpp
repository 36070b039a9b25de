#pragma once
// The policy of server.hpp for user code that throws: catch everything, count, log a warning
// naming the socket and the kind of handler. The caller then closes that socket (or refuses it).
// Callbacks that belong to no socket are only reported (guard_callback).
#include <exception>
#include <functional>
#include <memory>
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

// A callback of user code that belongs to no socket (a broadcast's acks, fetch_sockets): a throw
// is reported and goes no further, where it would end a shard's thread and the process with it.
template <class State, class... Args>
std::function<void(Args...)> guard_callback(std::shared_ptr<State> nsp, std::string_view kind,
                                            std::function<void(Args...)> f) {
  if (!f) return f;
  return [nsp = std::move(nsp), kind, f = std::move(f)](Args... args) {
    run_user_code(nsp->config, {kind, "", "", nsp->name}, [&] { f(std::move(args)...); });
  };
}

}  // namespace switchboard::sio::detail
