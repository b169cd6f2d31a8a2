#include "util/crypto.hpp"

#include <gtest/gtest.h>

#include "util/encoding.hpp"

namespace lcd {

TEST(Crypto, Sha256OfEmptyString) {
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, IncrementalSha256MatchesOneShot) {
  Sha256 h;
  h.update("hel");
  h.update("lo");
  EXPECT_EQ(h.finish(), sha256("hello"));
}

TEST(Crypto, Md5MatchesKnownValue) { EXPECT_EQ(hex_encode(md5("hello")), "5d41402abc4b2a76b9719d911017c592"); }

TEST(Crypto, HmacMatchesRfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, UuidHasVersion4Shape) {
  std::string u = random_uuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(u, random_uuid());
}

}  // namespace lcd
