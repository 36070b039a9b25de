#pragma once
// UTF-8 validation and repair for the wire decoders (private to the wire layer).
#include <string>
#include <string_view>

#include "switchboard/wire/utf8.hpp"

namespace switchboard::wire::detail {

// Whether `bytes` is entirely valid UTF-8; the fast path that lets a decoder copy valid text once.
using wire::is_valid_utf8;

// Appends `bytes` to `out` with each maximal invalid subpart replaced by U+FFFD, as the WHATWG
// decoder (and so Node's Buffer.toString) does; `out` then holds only valid UTF-8.
void append_utf8_replacing_invalid(std::string_view bytes, std::string& out);

}  // namespace switchboard::wire::detail
