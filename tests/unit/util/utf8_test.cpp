#include "util/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lcd {
namespace {

TEST(Utf8, SequenceLengthsFollowRfc3629) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);      // €
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);  // an emoji
  EXPECT_EQ(utf8_sequence_length("x\xC3\xA9", 1), 2u);
  EXPECT_EQ(utf8_sequence_length("\x85", 0), 0u);              // a continuation byte alone
  EXPECT_EQ(utf8_sequence_length("\xC0\x80", 0), 0u);          // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // a surrogate
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // beyond U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xE2\x82", 0), 0u);          // cut off
}

TEST(Utf8, BytesThatStartNoSequenceAreReadAsLatin1) {
  EXPECT_EQ(utf8_with_latin1_fallback("caf\xE9"), "caf\xC3\xA9");
  EXPECT_EQ(utf8_with_latin1_fallback("a\x85" "b\xA0"), "a\xC2\x85" "b\xC2\xA0");
  EXPECT_EQ(utf8_with_latin1_fallback("\xE2\x82"), "\xC3\xA2\xC2\x82");  // a cut-off sequence: each byte
}

TEST(Utf8, ValidTextComesBackUnchanged) {
  for (std::string text : {std::string(""), std::string("plain"), std::string("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
                           std::string("nul\0inside", 11)}) {
    EXPECT_EQ(utf8_with_latin1_fallback(text), text);
  }
}

}  // namespace
}  // namespace lcd
