// Encode and decode of typical packets: a chat message event, a binary event, a polling batch,
// and a Redis adapter broadcast in MessagePack.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "switchboard/wire/engineio.hpp"
#include "switchboard/wire/msgpack.hpp"
#include "switchboard/wire/socketio.hpp"

namespace sw = switchboard::wire;
namespace sio = switchboard::wire::sio;
namespace eio = switchboard::wire::eio;

namespace {

constexpr std::string_view chat_event =
    R"(["chat:message",{"roomId":"general","messageId":1234567,"from":"user:42","text":"Hello there, how is everyone doing today?","sentAt":1764086400000}])";

sio::packet chat_packet() {
  sio::packet p;
  p.type = sio::packet_type::event;
  p.nsp = "/chat";
  p.data = boost::json::parse(chat_event);
  return p;
}

void sio_encode_event(benchmark::State& state) {
  const sio::packet p = chat_packet();
  for (auto _ : state) {
    sw::frame_ptr f;
    benchmark::DoNotOptimize(sio::encode_frame(p, f));
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(sio_encode_event);

void sio_decode_event(benchmark::State& state) {
  const std::string text = std::string("2/chat,") + std::string(chat_event);
  sio::decoder decoder;
  for (auto _ : state) {
    sio::decoder::status s{};
    sio::packet p;
    benchmark::DoNotOptimize(decoder.add_text(text, s, p));
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(sio_decode_event);

void sio_decode_binary_event(benchmark::State& state) {
  const std::string text = R"(51-12["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}}])";
  std::string attachment(static_cast<std::size_t>(state.range(0)), 'x');
  sio::decoder decoder;
  for (auto _ : state) {
    sio::decoder::status s{};
    sio::packet p;
    benchmark::DoNotOptimize(decoder.add_text(text, s, p));
    // The transport hands over the message it read; take it back for the next round.
    benchmark::DoNotOptimize(decoder.add_binary(std::move(attachment), s, p));
    attachment = std::move(p.attachments.front());
  }
}
BENCHMARK(sio_decode_binary_event)->Arg(1024)->Arg(64 * 1024);

void eio_decode_payload(benchmark::State& state) {
  std::string body;
  for (int i = 0; i < 10; ++i) {
    if (i) body.push_back(eio::record_separator);
    body += "42/chat," + std::string(chat_event);
  }
  std::vector<eio::packet> out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(eio::decode_payload(body, out));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(eio_decode_payload);

void frame_polling_payload_binary(benchmark::State& state) {
  sio::packet p = chat_packet();
  p.data->get_array().push_back(boost::json::object{{"_placeholder", true}, {"num", 0}});
  p.attachments.emplace_back(4096, 'b');
  for (auto _ : state) {
    sw::frame_ptr f;
    benchmark::DoNotOptimize(sio::encode_frame(p, f));
    benchmark::DoNotOptimize(f->polling_payload());
  }
}
BENCHMARK(frame_polling_payload_binary);

boost::json::value redis_broadcast() {
  return boost::json::parse(std::string(R"(["Xy12Ab",{"type":2,"data":)") + std::string(chat_event) +
                            R"(,"nsp":"/chat"},{"rooms":["chat:general"],"except":[],"flags":{}}])");
}

void msgpack_encode_broadcast(benchmark::State& state) {
  const boost::json::value message = redis_broadcast();
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(sw::msgpack::encode(message, {}, out));
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(msgpack_encode_broadcast);

void msgpack_decode_broadcast(benchmark::State& state) {
  std::string bytes;
  (void)sw::msgpack::encode(redis_broadcast(), {}, bytes);
  for (auto _ : state) {
    boost::json::value v;
    std::vector<std::string> attachments;
    benchmark::DoNotOptimize(sw::msgpack::decode(bytes, v, attachments));
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(msgpack_decode_broadcast);

}  // namespace
