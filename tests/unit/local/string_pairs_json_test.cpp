#include "local/string_pairs_json.hpp"

#include <gtest/gtest.h>

namespace lcd::local {
namespace {

TEST(StringPairsJson, RoundTripsInOrderWithRepeatsAndUnicode) {
  const StringPairs pairs{{"x-amz-meta-b", "2"}, {"x-amz-meta-a", "1"}, {"x-amz-meta-a", "é \"q\""}, {"", ""}};
  EXPECT_EQ(string_pairs_json(pairs), R"([["x-amz-meta-b","2"],["x-amz-meta-a","1"],["x-amz-meta-a","é \"q\""],["",""]])");
  EXPECT_EQ(parse_string_pairs_json(string_pairs_json(pairs)), pairs);
  EXPECT_EQ(string_pairs_json({}), "[]");
}

TEST(StringPairsJson, WhatIsNotAListOfStringPairsContributesNothing) {
  EXPECT_TRUE(parse_string_pairs_json("not json").empty());
  EXPECT_TRUE(parse_string_pairs_json(R"({"a":"b"})").empty());
  EXPECT_EQ(parse_string_pairs_json(R"([["a","b"],["c"],["d",1],"e",["f","g","h"],["i","j"]])"),
            (StringPairs{{"a", "b"}, {"i", "j"}}));
}

}  // namespace
}  // namespace lcd::local
