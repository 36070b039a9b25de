// Client payloads into typed structs: any JSON converts or reports a payload_error, never
// crashes; what converts writes back and converts again to the same JSON.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdlib>

#include "../tests/unit/realtime/test_events.hpp"
#include "switchboard/realtime/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace json = boost::json;
  namespace rt = switchboard::realtime;
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  const json::value input = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;
  test_events::Note note;
  if (const auto error = rt::from_json(input, note)) {
    if (error->expected.empty()) std::abort();  // every refusal says what was expected
    return 0;
  }
  const json::value written = rt::to_json(note);
  test_events::Note again;
  if (rt::from_json(written, again) || json::serialize(rt::to_json(again)) != json::serialize(written)) std::abort();
  return 0;
}
