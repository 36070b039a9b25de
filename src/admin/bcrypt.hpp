#pragma once
// bcrypt password checks through the C library's crypt_r (libxcrypt): slow on purpose, so run
// them on a worker thread, never on a shard. (bcrypt_hash and is_bcrypt_hash are public.)
#include <string_view>

namespace switchboard::admin::detail {

// Whether `password` hashes to `hash` (a bcrypt hash; anything else is false). Constant time in
// the comparison; a password holding a NUL byte or over 1,024 bytes is false.
bool bcrypt_matches(std::string_view password, std::string_view hash);

}  // namespace switchboard::admin::detail
