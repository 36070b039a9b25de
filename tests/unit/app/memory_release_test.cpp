// memory_release: freed heap goes back to the OS once what the allocator keeps (RSS minus the live
// heap) has grown by the threshold, or once the live heap has fallen to half its peak; a steady
// heap is left alone.
#include "memory_release.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstring>
#include <memory>
#include <vector>

#include "process_memory.hpp"

namespace {

using namespace std::chrono_literals;
using switchboard::app::memory_release;

// 16 MiB in 4 KiB blocks, each written to, so that the pages are resident.
std::vector<std::unique_ptr<char[]>> load() {
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 4096; ++i) {
    blocks.emplace_back(new char[4096]);
    std::memset(blocks.back().get(), 1, 4096);
  }
  return blocks;
}

// Holds 16 MiB for 200 ms, frees it, and returns how many releases followed (waits up to 10 s).
std::uint64_t releases_after_a_load(std::uint64_t threshold, std::uint64_t heap_drop) {
  boost::asio::io_context io;
  const auto releases = std::make_shared<memory_release>(io.get_executor(), 5ms, threshold, heap_drop);
  releases->start();
  std::uint64_t before = 0;
  std::unique_ptr<char[]> pin;
  {
    const auto blocks = load();
    // Keeps the heap's top in use, so that free() cannot shrink it on its own: the freed blocks
    // stay resident until released, as the arenas of a server's threads do.
    pin.reset(new char[4096]);
    io.run_for(200ms);  // sampled with the load held, many times
    EXPECT_GT(switchboard::app::heap_in_use_bytes(), 16u << 20);
    before = releases->releases();
  }
  for (int i = 0; i < 1000 && releases->releases() == before; ++i) io.run_for(10ms);
  const auto after = releases->releases() - before;
  releases->stop();
  io.run_for(50ms);
  return after;
}

constexpr std::uint64_t never = std::uint64_t{1} << 50;

TEST(MemoryRelease, GivesFreedHeapBackWhenTheAllocatorKeepsIt) {
  EXPECT_EQ(releases_after_a_load(4u << 20, never), 1u);
}

TEST(MemoryRelease, GivesFreedHeapBackWhenTheHeapHasFallen) {
  EXPECT_EQ(releases_after_a_load(never, 4u << 20), 1u);
}

TEST(MemoryRelease, LeavesASteadyHeapAlone) {
  boost::asio::io_context io;
  const auto blocks = load();
  const auto releases = std::make_shared<memory_release>(io.get_executor(), 5ms, 4u << 20, 4u << 20);
  releases->start();
  io.run_for(200ms);
  EXPECT_EQ(releases->releases(), 0u);
  releases->stop();
  io.run_for(50ms);
}

TEST(ProcessMemory, ReadsTheResidentSetAndTheLiveHeap) {
  EXPECT_GT(switchboard::app::resident_bytes(), switchboard::app::heap_in_use_bytes());
  EXPECT_GT(switchboard::app::heap_in_use_bytes(), 0u);
}

}  // namespace
