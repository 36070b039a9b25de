// bcrypt checks through libxcrypt: the hash forms the reference's bcryptjs writes ($2a$, $2b$,
// $2y$), and refusals of everything else.
#include <gtest/gtest.h>

#include "bcrypt.hpp"
#include "switchboard/admin/instrument.hpp"

namespace switchboard::admin {
namespace {

// bcrypt of "changeit" at cost 10 (the Admin UI's README example).
constexpr std::string_view changeit = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";

TEST(Bcrypt, TheRightPasswordMatchesInEveryPrefixForm) {
  EXPECT_TRUE(detail::bcrypt_matches("changeit", changeit));
  for (const char* prefix : {"$2a$", "$2y$"}) {
    const std::string other = prefix + std::string(changeit.substr(4));
    EXPECT_TRUE(detail::bcrypt_matches("changeit", other)) << other;
  }
}

TEST(Bcrypt, AnythingElseDoesNotMatch) {
  EXPECT_FALSE(detail::bcrypt_matches("changeiT", changeit));
  EXPECT_FALSE(detail::bcrypt_matches("", changeit));
  EXPECT_FALSE(detail::bcrypt_matches(std::string("changeit\0x", 10), changeit));  // a NUL would cut the phrase
  EXPECT_FALSE(detail::bcrypt_matches(std::string(2000, 'a'), changeit));
  EXPECT_FALSE(detail::bcrypt_matches("changeit", "changeit"));  // not a hash at all
  EXPECT_FALSE(detail::bcrypt_matches("changeit", "$1$salt$hash"));  // MD5-crypt: not bcrypt
}

TEST(Bcrypt, MakesHashesThatMatchTheirPasswordWithAFreshSalt) {
  const std::string first = bcrypt_hash("s3cret pass", 4);
  EXPECT_TRUE(first.starts_with("$2b$04$")) << first;
  EXPECT_TRUE(is_bcrypt_hash(first));
  EXPECT_TRUE(detail::bcrypt_matches("s3cret pass", first));
  EXPECT_FALSE(detail::bcrypt_matches("s3cret pasS", first));
  EXPECT_NE(bcrypt_hash("s3cret pass", 4), first);  // another salt
  EXPECT_THROW(bcrypt_hash(std::string(73, 'a')), std::invalid_argument);
  EXPECT_THROW(bcrypt_hash(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(Bcrypt, RecognisesOnlyWellFormedBcryptHashes) {
  EXPECT_TRUE(is_bcrypt_hash(changeit));
  EXPECT_FALSE(is_bcrypt_hash(""));
  EXPECT_FALSE(is_bcrypt_hash(changeit.substr(0, 59)));
  EXPECT_FALSE(is_bcrypt_hash("$2x$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS"));  // unknown variant
  EXPECT_FALSE(is_bcrypt_hash("$2b$03$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS"));  // cost below 4
  EXPECT_FALSE(is_bcrypt_hash("$2b$32$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS"));  // cost over 31
  EXPECT_FALSE(is_bcrypt_hash("$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZO!"));  // not its alphabet
}

}  // namespace
}  // namespace switchboard::admin
