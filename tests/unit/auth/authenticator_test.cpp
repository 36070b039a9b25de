// Where tokens are found, and how each kind is verified.
#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <future>

#include "switchboard/auth/authenticator.hpp"
#include "switchboard/auth/error.hpp"

namespace auth = switchboard::auth;
namespace jwt = switchboard::auth::jwt;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string secret = "a-test-secret-of-at-least-thirty-two-bytes!";

switchboard::http::request handshake(std::string target = "/socket.io/?EIO=4&transport=websocket") {
  switchboard::http::request req{boost::beast::http::verb::get, target, 11};
  return req;
}

std::error_code find(const auth::authenticator& a, const json::object& payload, const switchboard::http::request& req,
                     std::string& token) {
  return a.find_token(payload, switchboard::engine::handshake_request(req), token);
}

TEST(FindToken, PrefersTheAuthPayloadThenTheHeaderThenTheCookie) {
  auth::authenticator a({.sources = {.cookie = "sid"}});
  auto req = handshake();
  req.set(boost::beast::http::field::authorization, "Bearer from-header");
  req.set(boost::beast::http::field::cookie, "theme=dark; sid=from-cookie; x=1");
  std::string token;
  ASSERT_FALSE(find(a, {{"token", "from-auth"}}, req, token));
  EXPECT_EQ(token, "from-auth");
  ASSERT_FALSE(find(a, {}, req, token));
  EXPECT_EQ(token, "from-header");
  req.erase(boost::beast::http::field::authorization);
  ASSERT_FALSE(find(a, {}, req, token));
  EXPECT_EQ(token, "from-cookie");
}

TEST(FindToken, ReadsTheBearerSchemeCaseInsensitively) {
  auth::authenticator a({});
  auto req = handshake();
  req.set(boost::beast::http::field::authorization, "bearer   abc.def.ghi ");
  std::string token;
  ASSERT_FALSE(find(a, {}, req, token));
  EXPECT_EQ(token, "abc.def.ghi");
  req.set(boost::beast::http::field::authorization, "Basic dXNlcjpwdw==");
  EXPECT_EQ(find(a, {}, req, token), auth::errc::token_missing);
}

TEST(FindToken, IgnoresCookiesUnlessOneIsNamed) {
  auth::authenticator a({});
  auto req = handshake();
  req.set(boost::beast::http::field::cookie, "token=abc");
  std::string token;
  EXPECT_EQ(find(a, {}, req, token), auth::errc::token_missing);
}

TEST(FindToken, RefusesTheQueryStringUnlessEnabled) {
  const auto req = handshake("/socket.io/?EIO=4&transport=polling&token=abc%2Edef");
  std::string token;
  EXPECT_EQ(find(auth::authenticator({}), {}, req, token), auth::errc::token_in_query_refused);
  ASSERT_FALSE(find(auth::authenticator({.sources = {.query = true}}), {}, req, token));
  EXPECT_EQ(token, "abc.def");
}

TEST(FindToken, RefusesANonStringToken) {
  std::string token;
  EXPECT_EQ(find(auth::authenticator({}), {{"token", 42}}, handshake(), token), auth::errc::token_malformed);
}

TEST(FindToken, ReportsAMissingToken) {
  std::string token;
  EXPECT_EQ(find(auth::authenticator({}), {{"other", "x"}}, handshake(), token), auth::errc::token_missing);
}

// Runs verify() and waits for its answer, whatever thread gives it.
std::pair<std::error_code, auth::identity> verify(const auth::authenticator& a, std::string token) {
  std::promise<std::pair<std::error_code, auth::identity>> answer;
  a.verify(std::move(token), [&](std::error_code ec, auth::identity id) { answer.set_value({ec, std::move(id)}); });
  return answer.get_future().get();
}

auth::authenticator_options with_jwt() {
  auth::authenticator_options o;
  o.jwt.emplace(std::vector<jwt::key>{jwt::key::shared_secret(secret)}, jwt::verify_options{});
  return o;
}

TEST(Verify, AcceptsAValidJwtWithItsClaims) {
  const auto now = std::chrono::system_clock::now();
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>((now + 1h).time_since_epoch()).count();
  const std::string token = jwt::signer::shared_secret(secret).sign({{"sub", "42"}, {"exp", exp}, {"role", "admin"}});
  const auto [ec, id] = verify(auth::authenticator(with_jwt()), token);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(id.source, auth::identity::kind::jwt);
  EXPECT_EQ(id.user_id, "42");
  EXPECT_EQ(id.claims.at("role"), "admin");
  ASSERT_TRUE(id.expires_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(id.expires_at->time_since_epoch()).count(), exp);
}

TEST(Verify, PassesOnTheJwtError) {
  const std::string token = jwt::signer::shared_secret(secret).sign({{"sub", "42"}, {"exp", 1000}});
  EXPECT_EQ(verify(auth::authenticator(with_jwt()), token).first, auth::errc::token_expired);
}

TEST(Verify, RefusesUserIdsThatCannotNameARoomOrALogField) {
  const auto signer = jwt::signer::shared_secret(secret);
  for (const std::string& bad : {std::string("42\nfake log line"), std::string(257, 'x'), std::string("a\x7f")}) {
    EXPECT_EQ(verify(auth::authenticator(with_jwt()), signer.sign({{"sub", bad}})).first, auth::errc::user_id_missing);
  }
  EXPECT_FALSE(verify(auth::authenticator(with_jwt()), signer.sign({{"sub", std::string(256, 'x')}})).first);
}

TEST(Verify, RefusesWhatIsNeitherAJwtNorASessionToken) {
  EXPECT_EQ(verify(auth::authenticator(with_jwt()), "not-a-token").first, auth::errc::token_malformed);
  EXPECT_EQ(verify(auth::authenticator(with_jwt()), "").first, auth::errc::token_malformed);
}

TEST(Verify, RefusesJwtsWhenNoKeyIsConfigured) {
  const std::string token = jwt::signer::shared_secret(secret).sign({{"sub", "42"}});
  EXPECT_EQ(verify(auth::authenticator({}), token).first, auth::errc::algorithm_not_allowed);
}

class SessionVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("switchboard-auth-" + std::to_string(getpid()) + ".db");
    std::filesystem::remove(path_);
    store_ = auth::open_sqlite_session_store(path_.string());
  }
  void TearDown() override {
    workers_.join();
    store_.reset();
    std::filesystem::remove(path_);
  }
  auth::authenticator make() { return auth::authenticator({.sessions = store_, .workers = workers_.get_executor()}); }

  std::filesystem::path path_;
  boost::asio::thread_pool workers_{1};
  std::shared_ptr<auth::session_store> store_;
};

TEST_F(SessionVerify, AcceptsALiveSessionOnAWorker) {
  auth::issued_session issued;
  ASSERT_FALSE(auth::create_session(*store_, "7", 1h, issued));
  const auto caller = std::this_thread::get_id();
  std::promise<std::thread::id> where;
  auto a = make();
  a.verify(issued.token, [&](std::error_code, auth::identity) { where.set_value(std::this_thread::get_id()); });
  EXPECT_TRUE(where.get_future().get() != caller) << "the store was read on the calling (loop) thread";
  const auto [ec, id] = verify(a, issued.token);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(id.source, auth::identity::kind::session);
  EXPECT_EQ(id.user_id, "7");
}

TEST_F(SessionVerify, RefusesUnknownRevokedAndExpiredSessions) {
  auto a = make();
  EXPECT_EQ(verify(a, "sbs_" + std::string(43, 'x')).first, auth::errc::session_unknown);
  auth::issued_session revoked, expired;
  ASSERT_FALSE(auth::create_session(*store_, "7", 1h, revoked));
  ASSERT_FALSE(store_->revoke(revoked.record.id));
  EXPECT_EQ(verify(a, revoked.token).first, auth::errc::session_revoked);
  ASSERT_FALSE(auth::create_session(*store_, "7", 0s, expired));
  EXPECT_EQ(verify(a, expired.token).first, auth::errc::session_expired);
}

TEST(Verify, RefusesSessionTokensWithoutAStore) {
  EXPECT_EQ(verify(auth::authenticator({}), "sbs_" + std::string(43, 'x')).first, auth::errc::session_unknown);
}

TEST(ErrorCodes, HaveStableNames) {
  EXPECT_EQ(auth::code_name(auth::errc::token_expired), "token_expired");
  EXPECT_EQ(auth::code_name(auth::errc::session_revoked), "session_revoked");
  EXPECT_EQ(auth::code_name(std::make_error_code(std::errc::io_error)), "internal_error");
}

}  // namespace
