#include "request_decision.hpp"

#include <atomic>

namespace switchboard::engine {

// One answer, whoever gives it first: allow(), refuse(), or the last copy's destruction.
struct request_decision::state {
  explicit state(std::function<void(std::optional<std::string>)> f) : finish(std::move(f)) {}
  ~state() { decide(std::string("Forbidden")); }

  void decide(std::optional<std::string> refusal) {
    if (!decided.exchange(true, std::memory_order_acq_rel)) finish(std::move(refusal));
  }

  std::function<void(std::optional<std::string>)> finish;  // nullopt: allowed
  std::atomic<bool> decided{false};
};

void request_decision::allow() const { state_->decide(std::nullopt); }
void request_decision::refuse(std::string message) const { state_->decide(std::move(message)); }

request_decision detail::make_request_decision(std::function<void(std::optional<std::string>)> finish) {
  return request_decision(std::make_shared<request_decision::state>(std::move(finish)));
}

}  // namespace switchboard::engine
