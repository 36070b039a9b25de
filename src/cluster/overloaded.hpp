#pragma once
// std::visit with one lambda per alternative.

namespace switchboard::cluster::detail {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace switchboard::cluster::detail
