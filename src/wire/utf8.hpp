#pragma once
// UTF-8 validation and repair for the wire decoders (private to the wire layer).
#include <string>
#include <string_view>

namespace switchboard::wire::detail {

// Whether `bytes` is entirely valid UTF-8; the fast path that lets a decoder copy valid text once.
bool is_valid_utf8(std::string_view bytes) noexcept;

// Appends `bytes` to `out` with each maximal invalid subpart replaced by U+FFFD, as the WHATWG
// decoder (and so Node's Buffer.toString) does; `out` then holds only valid UTF-8.
void append_utf8_replacing_invalid(std::string_view bytes, std::string& out);

}  // namespace switchboard::wire::detail
