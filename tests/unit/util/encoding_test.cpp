#include "util/encoding.hpp"

#include <gtest/gtest.h>

namespace lcd {

TEST(Encoding, HexIsLowercase) { EXPECT_EQ(hex_encode(std::string("\x00\xab\xff", 3)), "00abff"); }

TEST(Encoding, Base64RoundTripsEveryPaddingLength) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = base64_decode(base64_encode(s));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
}

TEST(Encoding, Base64RejectsForeignCharacters) {
  EXPECT_FALSE(base64_decode("Zm9v!mFy"));
  EXPECT_FALSE(base64_decode("Z"));
}

TEST(Encoding, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(uri_encode("a b/c~d$"), "a%20b%2Fc~d%24");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
}

TEST(Encoding, UriDecodeHandlesPlusAndBadEscapes) {
  EXPECT_EQ(*uri_decode("a%20b+c"), "a b+c");
  EXPECT_EQ(*uri_decode("a%20b+c", true), "a b c");
  EXPECT_FALSE(uri_decode("%4"));
  EXPECT_FALSE(uri_decode("%zz"));
}

}  // namespace lcd

namespace lcd {

TEST(Encoding, XmlEscapeCoversMarkupCarriageReturnAndForbiddenControls) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape("x\r\n\ty\x01"), "x&#13;\n\ty?");
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(Encoding, Utf8ValidityFollowsRfc3629) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é, €, an emoji
  EXPECT_FALSE(is_valid_utf8("\xAD"));                  // a continuation byte alone
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));          // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));              // cut off
}

}  // namespace lcd
