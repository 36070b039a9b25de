#pragma once
/// @file
/// Many deadlines on one shard behind one timer.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace switchboard::http {

/// The deadlines of one shard's objects (sessions, sockets), earliest first, behind one timer.
/// An Asio timer per object holds about 360 B while it waits (the timer and its pending
/// operation); an entry here is one map node. Targets are held weakly. Use it on its shard only.
/// `Clock`: steady for intervals (heartbeats), the system clock for wall-clock times (a
/// credential's expiry).
/// @code
/// auto q = std::make_shared<deadline_queue<session>>(shard_executor, [](session& s) { s.on_deadline(); });
/// auto key = q->add_after(25s, s.weak_from_this());
/// q->remove(key);  // the session went away first, or moved its deadline
/// @endcode
template <class Target, class Clock = std::chrono::steady_clock>
class deadline_queue : public std::enable_shared_from_this<deadline_queue<Target, Clock>> {
 public:
  /// The clock deadlines are read on.
  using clock = Clock;
  /// What remove() takes: unique within the queue.
  using key = std::pair<typename clock::time_point, std::uint64_t>;

  /// `due` runs on the shard for each target still alive at its deadline; it may add() and
  /// remove() anything.
  deadline_queue(boost::asio::any_io_executor shard, std::function<void(Target&)> due)
      : timer_(std::move(shard)), due_(std::move(due)) {}

  /// Adds a deadline for `target`.
  key add(typename clock::time_point at, std::weak_ptr<Target> target) {
    const key k{at, next_id_++};
    entries_.emplace(k, std::move(target));
    arm();
    return k;
  }
  /// Adds a deadline `after` from now.
  key add_after(typename clock::duration after, std::weak_ptr<Target> target) {
    return add(clock::now() + after, std::move(target));
  }
  /// Forgets a deadline; one already gone (run or removed) is ignored.
  void remove(const key& k) { entries_.erase(k); }
  /// The deadlines waiting.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  // The timer waits for the earliest entry; an entry removed since only makes it fire early.
  void arm() {
    if (entries_.empty()) return;
    const typename clock::time_point next = entries_.begin()->first.first;
    if (armed_for_ && *armed_for_ <= next) return;
    armed_for_ = next;
    timer_.expires_at(next);
    timer_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_timer();
    });
  }

  void on_timer() {
    armed_for_.reset();
    const auto now = clock::now();
    while (!entries_.empty() && entries_.begin()->first.first <= now) {
      auto node = entries_.extract(entries_.begin());
      if (auto target = node.mapped().lock()) due_(*target);
    }
    arm();
  }

  boost::asio::basic_waitable_timer<Clock> timer_;
  std::function<void(Target&)> due_;
  std::map<key, std::weak_ptr<Target>> entries_;
  std::optional<typename clock::time_point> armed_for_;
  std::uint64_t next_id_ = 0;
};

}  // namespace switchboard::http
