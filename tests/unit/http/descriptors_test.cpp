// The accept loop when the process runs out of descriptors (EMFILE): the waiting connection is
// answered 503 from the reserve descriptor, and the loop goes on once descriptors are back.
// Not in the sanitizer tree: UBSan's vptr check opens a pipe to read memory, and reports a false
// type error when there is no descriptor left for it (tests/unit/http/tests.cmake).
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "server_fixture.hpp"
#include "test_client.hpp"

namespace http = switchboard::http;
using http::test::raw_client;
using http::test::ServerTest;

TEST_F(ServerTest, TheAcceptLoopSurvivesRunningOutOfDescriptors) {
  start();
  raw_client refused, served;  // their descriptors exist before the limit is lowered
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  int highest = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(dir)) highest = std::max(highest, std::atoi(entry->d_name));
    ::closedir(dir);
  }
  rlimit lowered = saved;
  lowered.rlim_cur = static_cast<rlim_t>(highest + 1);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<int> fillers;  // the holes below the limit
  for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) fillers.push_back(fd);

  ASSERT_TRUE(refused.connect(port()));
  const bool closed = refused.read_until_close();
  const auto errors = stats().accept_errors;

  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(refused.input().starts_with("HTTP/1.1 503")) << refused.input();
  EXPECT_GE(errors, 1u);
  ASSERT_TRUE(served.connect(port()));
  ASSERT_TRUE(served.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(served.read_header().starts_with("HTTP/1.1 200")) << served.input();
}

