#include "switchboard/realtime/errors.hpp"

#include <string>

namespace switchboard::realtime {
namespace {

class realtime_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.realtime"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::not_attached: return "no realtime server is attached";
      case errc::shutting_down: return "the realtime server is shutting down";
      case errc::no_target: return "no user, room or namespace to emit to";
      case errc::encode_failed: return "the event could not be encoded (reserved name or bad payload)";
      case errc::unknown_namespace: return "no such namespace";
      case errc::internal_error: return "internal error";
      case errc::cluster_unreachable: return "delivered on this node only: the cluster is unreachable";
    }
    return "unknown realtime error";
  }
};

}  // namespace

const std::error_category& realtime_category() noexcept {
  static const realtime_error_category category;
  return category;
}

}  // namespace switchboard::realtime
