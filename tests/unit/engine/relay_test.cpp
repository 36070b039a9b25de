// Long-polling without sticky sessions: two engine servers that know each other through a
// directory in memory. Session ids name their node; a request for the other node's session is
// relayed (polling) or tunnelled (upgrade) there, and a node that is gone is Session ID unknown.
#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include "engine_fixture.hpp"
#include "session_id.hpp"
#include "switchboard/wire/frame.hpp"

namespace engine_test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Nodes and their addresses; answers on a thread of its own, never inside locate().
class memory_directory final : public sb::engine::session_directory {
 public:
  explicit memory_directory(std::string id) : id_(std::move(id)) {}
  ~memory_directory() override { pool_.join(); }

  const std::string& node_id() const noexcept override { return id_; }
  void locate(const std::string& id, std::function<void(std::optional<tcp::endpoint>)> found) override {
    std::optional<tcp::endpoint> at;
    {
      std::lock_guard lock(mutex_);
      if (const auto it = nodes_.find(id); it != nodes_.end()) at = it->second;
    }
    asio::post(pool_, [found = std::move(found), at] { found(at); });
  }
  void add(const std::string& id, std::uint16_t port) {
    std::lock_guard lock(mutex_);
    nodes_[id] = tcp::endpoint(asio::ip::make_address("127.0.0.1"), port);
  }

 private:
  const std::string id_;
  std::mutex mutex_;
  std::map<std::string, tcp::endpoint> nodes_;
  asio::thread_pool pool_{1};
};

sb::engine::options node_options(std::shared_ptr<memory_directory> directory, std::size_t relay_connections = 512) {
  sb::engine::options o;
  o.unauthenticated.pre_auth_timeout = std::chrono::milliseconds(0);
  o.cluster.directory = std::move(directory);
  o.cluster.relay.max_connections_per_target = relay_connections;
  return o;
}

std::string poll_target(const std::string& sid) { return "/engine.io/?EIO=4&transport=polling&sid=" + sid; }

bool is_unknown_sid(const http_answer& a) {
  return a.status == 400 && a.body == R"({"code":1,"message":"Session ID unknown"})";
}

class RelayTest : public ::testing::Test {
 protected:
  RelayTest() {
    a_dir_->add("nodeB", b_.port());
    b_dir_->add("nodeA", a_.port());
    a_dir_->add("nodeA", a_.port());
    b_dir_->add("nodeB", b_.port());
  }

  // Sends `text` to the session from its node's side.
  void send_from_owner(const std::string& sid, const std::string& text) {
    auto s = a_.handler().find(sid).lock();
    ASSERT_TRUE(s);
    on_shard<int>(s, [s, text] {
      s->send(sb::wire::make_text_frame(sb::wire::eio::packet_type::message, text));
      return 0;
    });
  }

  std::shared_ptr<memory_directory> a_dir_ = std::make_shared<memory_directory>("nodeA");
  std::shared_ptr<memory_directory> b_dir_ = std::make_shared<memory_directory>("nodeB");
  engine_fixture a_{node_options(a_dir_)};
  engine_fixture b_{node_options(b_dir_, 1)};
};

TEST(SessionIds, NameTheirNodeAndShard) {
  using namespace switchboard::engine::detail;
  const std::string id = make_session_id(3, "n0de_-");
  ASSERT_TRUE(id.starts_with("n0de_-."));
  const auto owner = owner_of_session_id(id);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->node, "n0de_-");
  EXPECT_EQ(owner->shard, 3u);
  const auto single = owner_of_session_id(make_session_id(5));
  ASSERT_TRUE(single);
  EXPECT_EQ(single->node, "");
  EXPECT_EQ(single->shard, 5u);
}

TEST(SessionIds, MalformedOnesNameNoOwner) {
  using namespace switchboard::engine::detail;
  const std::string local(20, 'A');
  EXPECT_TRUE(owner_of_session_id("node." + local));
  for (const std::string& bad : {"." + local, "no de." + local, std::string(17, 'n') + "." + local, "a.b." + local,
                                "node." + local.substr(1), "node." + local + "A", "node!." + local, local + "."}) {
    EXPECT_FALSE(owner_of_session_id(bad)) << bad;
  }
  EXPECT_TRUE(valid_node_id(std::string(16, 'x')));
  EXPECT_FALSE(valid_node_id(""));
  EXPECT_FALSE(valid_node_id("a:b"));
}

TEST(SessionIds, AnEngineRefusesAnInvalidNodeId) {
  sb::http::shard_pool shards(1);
  auto options = node_options(std::make_shared<memory_directory>("not valid"));
  EXPECT_THROW(sb::engine::server(shards, options, std::make_shared<recording_handler>()), std::invalid_argument);
}

TEST_F(RelayTest, PollingRequestsReachTheOwnerThroughAnotherNode) {
  const std::string sid = open_polling(a_.port());
  ASSERT_TRUE(sid.starts_with("nodeA.")) << sid;

  const http_answer posted = request(b_.port(), "POST", poll_target(sid), {}, "4hello owner");
  EXPECT_EQ(posted.status, 200u);
  EXPECT_EQ(posted.body, "ok");
  EXPECT_TRUE(eventually([&] { return a_.handler().messages() == std::vector<std::string>{"hello owner"}; }));

  send_from_owner(sid, "hello client");
  const http_answer polled = request(b_.port(), "GET", poll_target(sid));
  EXPECT_EQ(polled.status, 200u);
  EXPECT_EQ(polled.body, "4hello client");
  EXPECT_EQ(b_.engine().session_count(), 0u);
  EXPECT_EQ(b_.engine().traffic_totals().relayed_requests, 2u);
  EXPECT_EQ(b_.engine().traffic_totals().relay.forwarded, 2u);
}

TEST_F(RelayTest, AnUpgradeIsTunnelledToTheOwner) {
  const std::string sid = open_polling(a_.port());
  asio::io_context ioc;
  auto ws = open_websocket(ioc, b_.port(), "/engine.io/?EIO=4&transport=websocket&sid=" + sid);
  ws->text(true);
  ws->write(asio::buffer(std::string("2probe")));
  boost::beast::flat_buffer buffer;
  ws->read(buffer);
  EXPECT_EQ(boost::beast::buffers_to_string(buffer.data()), "3probe");
  buffer.clear();
  ws->write(asio::buffer(std::string("5")));
  ws->write(asio::buffer(std::string("4over the tunnel")));
  EXPECT_TRUE(eventually([&] { return a_.handler().messages() == std::vector<std::string>{"over the tunnel"}; }));
  EXPECT_EQ(b_.engine().traffic_totals().relayed_upgrades, 1u);
}

TEST_F(RelayTest, ANodeTheDirectoryDoesNotKnowIsSessionIdUnknown) {
  const std::string sid = sb::engine::detail::make_session_id(0, "nodeZ");
  EXPECT_TRUE(is_unknown_sid(request(b_.port(), "GET", poll_target(sid))));
  EXPECT_EQ(b_.engine().traffic_totals().relay_owner_gone, 1u);
  asio::io_context ioc;
  EXPECT_THROW(open_websocket(ioc, b_.port(), "/engine.io/?EIO=4&transport=websocket&sid=" + sid), std::exception);
}

TEST_F(RelayTest, AnOwnerThatIsGoneIsSessionIdUnknown) {
  const std::string sid = open_polling(a_.port());
  a_.destroy();
  EXPECT_TRUE(is_unknown_sid(request(b_.port(), "GET", poll_target(sid))));
  EXPECT_EQ(b_.engine().traffic_totals().relay.unreachable, 1u);
}

TEST_F(RelayTest, ARequestRelayedOnceIsNeverRelayedAgain) {
  const std::string sid = open_polling(a_.port());
  EXPECT_TRUE(is_unknown_sid(request(b_.port(), "GET", poll_target(sid), {{"X-Switchboard-Relayed", "1"}})));
  EXPECT_EQ(b_.engine().traffic_totals().relayed_requests, 0u);
}

TEST_F(RelayTest, RequestsBeyondTheRelayConnectionsAreRefusedBusy) {
  const std::string sid = open_polling(a_.port());
  // A GET held at the owner takes node B's only connection to it...
  std::thread held([&] { (void)request(b_.port(), "GET", poll_target(sid)); });
  ASSERT_TRUE(eventually([&] { return a_.engine().waiting_polls() == 1; }));
  // ... so the next request finds none free.
  const http_answer refused = request(b_.port(), "POST", poll_target(sid), {}, "4x");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.body, R"({"code":4,"message":"Server busy"})");
  EXPECT_EQ(b_.engine().traffic_totals().relay.busy, 1u);
  send_from_owner(sid, "release");
  held.join();
}

}  // namespace
}  // namespace engine_test
