#include "local/pagination.hpp"

#include <gtest/gtest.h>

using namespace lcd::local;

namespace {
HttpRequest with_max_items(const std::string& value) {
  HttpRequest r;
  r.query.emplace_back("MaxItems", value);
  return r;
}
}  // namespace

TEST(Pagination, DefaultIsFifty) {
  HttpRequest r;
  auto n = page_size(r, 50);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 50);
}

TEST(Pagination, MaxItemsHonouredUpToCap) {
  EXPECT_EQ(*page_size(with_max_items("7"), 50), 7);
  EXPECT_EQ(*page_size(with_max_items("10000"), 50), 50);
  EXPECT_EQ(*page_size(with_max_items("200"), 10000), 200);
}

TEST(Pagination, MaxItemsOutOfRangeIsValidationError) {
  auto zero = page_size(with_max_items("0"), 50);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "ValidationException");
  EXPECT_EQ(zero.error().status, 400);
  auto huge = page_size(with_max_items("10001"), 50);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, "ValidationException");
  auto text = page_size(with_max_items("ten"), 50);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, "InvalidParameterValueException");
}

TEST(Pagination, MarkersRoundTripAndRejectForgeries) {
  std::string marker = encode_marker("fn\n42");
  auto key = decode_marker(marker);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, "fn\n42");
  EXPECT_FALSE(decode_marker("not-a-marker"));
  EXPECT_FALSE(decode_marker("Zm9v"));  // base64 of "foo": no prefix
}
