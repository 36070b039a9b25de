// The server hot paths changed for bench/run.sh (docs/BENCHMARKS.md): WebSocket framing of
// a broadcast frame, ids from the random pool against one RAND_bytes call each, and HS256
// token verification with the cached keyed HMAC.
#include <benchmark/benchmark.h>
#include <openssl/rand.h>

#include <array>
#include <boost/json/object.hpp>
#include <ctime>
#include <string>

#include "switchboard/auth/jwt.hpp"
#include "switchboard/http/secure_random.hpp"
#include "websocket_frames.hpp"

namespace ws = switchboard::http::detail::ws;
namespace jwt = switchboard::auth::jwt;

namespace {

// What a client sends: a masked 100-byte text frame; parsed and unmasked as the server does.
void websocket_parse_client_frame(benchmark::State& state) {
  const std::string payload(100, 'x');
  std::string frame = "\x81\xe4";
  frame += std::string("\x11\x22\x33\x44", 4);
  frame += payload;
  for (auto _ : state) {
    std::string copy = frame;
    ws::client_header header;
    benchmark::DoNotOptimize(ws::parse_client_header(copy, header));
    ws::unmask(copy.data() + header.size, header.length, header.mask);
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(websocket_parse_client_frame);

// Per recipient of a broadcast: the header in front of the shared frame bytes.
void websocket_server_header(benchmark::State& state) {
  unsigned char header[ws::max_header_size];
  for (auto _ : state) benchmark::DoNotOptimize(ws::write_server_header(ws::opcode::text, 100, header));
}
BENCHMARK(websocket_server_header);

void session_id_random_pool(benchmark::State& state) {
  std::array<unsigned char, 19> id{};
  for (auto _ : state) {
    switchboard::http::secure_random(id);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(session_id_random_pool);

void session_id_rand_bytes_each(benchmark::State& state) {
  std::array<unsigned char, 19> id{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(RAND_bytes(id.data(), static_cast<int>(id.size())));
  }
}
BENCHMARK(session_id_rand_bytes_each);

void jwt_verify_hs256(benchmark::State& state) {
  const std::string secret = "bench-secret-bench-secret-bench-secret-0123456789abcdef";
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const std::string token = jwt::signer::shared_secret(secret).sign(
      boost::json::object{{"sub", "user-42"}, {"iat", now}, {"exp", now + 3600}});
  const jwt::verifier verifier({jwt::key::shared_secret(secret)}, {});
  for (auto _ : state) {
    jwt::verified_token out;
    benchmark::DoNotOptimize(verifier.verify(token, out));
  }
}
BENCHMARK(jwt_verify_hs256);

}  // namespace
