// memory_release: freed heap goes back to the OS once what the allocator keeps (RSS minus the live
// heap) has grown by the threshold, and a steady heap is left alone.
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

TEST(MemoryRelease, GivesFreedHeapBackAfterALoad) {
  boost::asio::io_context io;
  const auto releases = std::make_shared<memory_release>(io.get_executor(), 5ms, 4u << 20);
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
  EXPECT_EQ(releases->releases(), before + 1);
  releases->stop();
  io.run_for(50ms);
}

TEST(MemoryRelease, LeavesASteadyHeapAlone) {
  boost::asio::io_context io;
  const auto blocks = load();
  const auto releases = std::make_shared<memory_release>(io.get_executor(), 5ms, 4u << 20);
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
