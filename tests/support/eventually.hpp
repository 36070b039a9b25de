#pragma once
// Waits for what another thread does, without a fixed sleep: polls `predicate` until it holds or
// a generous deadline passes, so a busy machine makes a test slower, never red.
#include <chrono>
#include <thread>

namespace switchboard::test {

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace switchboard::test
