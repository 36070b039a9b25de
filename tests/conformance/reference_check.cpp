// Checks switchboard's codecs against vectors made by the reference JavaScript codecs
// (reference_vectors.mjs): the same bytes on encode, the same values on decode.
// Usage: reference_check VECTORS.jsonl. Exits non-zero on any mismatch.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <string>

#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/engineio.hpp"
#include "switchboard/wire/json_text.hpp"
#include "switchboard/wire/msgpack.hpp"
#include "switchboard/wire/socketio.hpp"

namespace json = boost::json;
namespace sw = switchboard::wire;
namespace eio = switchboard::wire::eio;
namespace sio = switchboard::wire::sio;

namespace {

std::string from_base64(std::string_view text) {
  std::string out;
  if (sw::decode_base64(text, out)) throw std::runtime_error("bad base64 in vector file");
  return out;
}

std::vector<std::string> attachments_of(const json::object& vector) {
  std::vector<std::string> out;
  for (const auto& a : vector.at("attachments").as_array()) out.push_back(from_base64(a.as_string()));
  return out;
}

// Numbers compare as JavaScript sees them: through their JSON text.
std::string js_text(const json::value& v) {
  std::string out;
  sw::append_json(v, out);
  return out;
}

std::string check_msgpack(const json::object& vector) {
  const json::value& value = vector.at("value");
  const auto attachments = attachments_of(vector);
  const std::string expected = from_base64(vector.at("bytes").as_string());
  std::string encoded;
  if (auto ec = sw::msgpack::encode(value, attachments, encoded)) return "encode failed: " + ec.message();
  if (encoded != expected) return "encode differs from notepack.io";
  json::value decoded;
  std::vector<std::string> decoded_attachments;
  if (auto ec = sw::msgpack::decode(expected, decoded, decoded_attachments)) return "decode failed: " + ec.message();
  if (js_text(decoded) != js_text(value) || decoded_attachments != attachments) return "decode differs";
  return {};
}

std::string check_socketio(const json::object& vector) {
  const json::object& in = vector.at("packet").as_object();
  sio::packet p;
  p.type = static_cast<sio::packet_type>(in.at("type").to_number<int>());
  p.nsp = in.at("nsp").as_string();
  if (const auto* id = in.if_contains("id")) p.id = id->to_number<std::uint64_t>();
  if (const auto* data = in.if_contains("data")) p.data = *data;
  p.attachments = attachments_of(vector);

  const json::array& encoded = vector.at("encoded").as_array();
  std::string text;
  if (auto ec = sio::encode_text(p, text)) return "encode failed: " + ec.message();
  if (text != encoded.at(0).as_string()) return "encode differs from socket.io-parser: " + text;
  if (encoded.size() != p.attachments.size() + 1) return "attachment count differs";

  sio::decoder decoder;
  sio::decoder::status status{};
  sio::packet decoded;
  if (auto ec = decoder.add_text(encoded.at(0).as_string(), status, decoded)) return "decode failed: " + ec.message();
  for (std::size_t i = 1; i < encoded.size(); ++i) {
    if (from_base64(encoded[i].as_string()) != p.attachments[i - 1]) return "attachment differs";
    if (auto ec = decoder.add_binary(p.attachments[i - 1], status, decoded)) return "decode failed: " + ec.message();
  }
  if (status != sio::decoder::status::packet_ready) return "decode incomplete";
  if (decoded.type != p.type || decoded.nsp != p.nsp || decoded.id != p.id ||
      decoded.data.has_value() != p.data.has_value() || (p.data && js_text(*decoded.data) != js_text(*p.data)) ||
      decoded.attachments != p.attachments) {
    return "decode differs";
  }
  return {};
}

eio::packet_type eio_type(std::string_view name) {
  static constexpr std::string_view names[] = {"open", "close", "ping", "pong", "message", "upgrade", "noop"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == name) return static_cast<eio::packet_type>(i);
  }
  throw std::runtime_error("unknown Engine.IO packet type in vector file");
}

std::string check_engineio(const json::object& vector) {
  std::vector<eio::packet> packets;
  for (const auto& item : vector.at("packets").as_array()) {
    const json::object& p = item.as_object();
    if (const auto* binary = p.if_contains("binary")) {
      packets.push_back({eio::packet_type::message, true, from_base64(binary->as_string())});
    } else {
      packets.push_back({eio_type(p.at("type").as_string()), false, std::string(p.at("data").as_string())});
    }
  }
  const std::string_view payload = vector.at("payload").as_string();
  if (eio::encode_payload(packets) != payload) return "encode differs from engine.io-parser";
  std::vector<eio::packet> decoded;
  if (auto ec = eio::decode_payload(payload, decoded)) return "decode failed: " + ec.message();
  if (decoded != packets) return "decode differs";
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: reference_check VECTORS.jsonl\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  std::string line;
  std::size_t checked = 0;
  std::size_t mismatches = 0;
  while (std::getline(file, line)) {
    // Our own parser: Boost.JSON 1.81's would round some numbers differently from JavaScript.
    json::value parsed;
    if (sw::parse_json(line, 64, parsed)) throw std::runtime_error("vector file line is not JSON");
    const json::object& vector = parsed.as_object();
    const std::string_view kind = vector.at("t").as_string();
    const std::string problem = kind == "msgpack" ? check_msgpack(vector)
                                : kind == "sio"   ? check_socketio(vector)
                                                  : check_engineio(vector);
    ++checked;
    if (!problem.empty() && ++mismatches <= 10) {
      std::cerr << kind << ": " << problem << "\n  vector: " << line.substr(0, 400) << "\n";
    }
  }
  std::cout << "reference_check: " << checked << " vectors, " << mismatches << " mismatches\n";
  return checked > 0 && mismatches == 0 ? 0 : 1;
}
