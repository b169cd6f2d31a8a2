#include <gtest/gtest.h>

#include "aws/ini_file.hpp"

namespace lcd::aws {
namespace {

TEST(ParseIni, SectionsKeysCommentsAndWhitespace) {
  auto ini = parse_ini(
      "# leading comment\n"
      "; another comment\n"
      "[default]\n"
      "  aws_access_key_id   =   AKID1  \r\n"
      "AWS_Secret_Access_Key=secret/with+chars=\n"
      "\n"
      "[ profile dev ]\n"
      "region = eu-west-1 # inline comment\n"
      "output =\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "empty_value=\n",
      "config");
  ASSERT_TRUE(ini) << ini.error().message;
  const IniSection* def = ini->find("default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->at("aws_access_key_id"), "AKID1");
  EXPECT_EQ(def->at("aws_secret_access_key"), "secret/with+chars=");
  const IniSection* dev = ini->find("profile dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->at("region"), "eu-west-1");
  EXPECT_EQ(dev->at("output"), "");
  EXPECT_EQ(dev->at("s3.max_concurrent_requests"), "10");
  EXPECT_EQ(dev->at("empty_value"), "");
}

TEST(ParseIni, HashInsideValueWithoutSpaceIsKept) {
  auto ini = parse_ini("[x]\nkey=abc#def\n", "f");
  ASSERT_TRUE(ini);
  EXPECT_EQ(ini->find("x")->at("key"), "abc#def");
}

TEST(ParseIni, EmptyTextIsEmptyFile) {
  auto ini = parse_ini("", "f");
  ASSERT_TRUE(ini);
  EXPECT_TRUE(ini->sections.empty());
}

TEST(ParseIni, ErrorsNameSourceAndLine) {
  auto before_section = parse_ini("key = value\n", "/home/u/.aws/config");
  ASSERT_FALSE(before_section);
  EXPECT_EQ(before_section.error().kind, ErrorKind::invalid);
  EXPECT_NE(before_section.error().message.find("/home/u/.aws/config:1"), std::string::npos);
  auto no_equals = parse_ini("[a]\n\njust words\n", "creds");
  ASSERT_FALSE(no_equals);
  EXPECT_NE(no_equals.error().message.find("creds:3"), std::string::npos);
  EXPECT_FALSE(parse_ini("[unclosed\n", "f"));
  EXPECT_FALSE(parse_ini("[]\n", "f"));
}

TEST(FindProfile, ConfigUsesProfilePrefixCredentialsDoNot) {
  auto config = parse_ini("[default]\nregion=a\n[profile dev]\nregion=b\n[dev]\nregion=wrong\n", "config");
  auto credentials = parse_ini("[dev]\naws_access_key_id=K\n[profile dev]\naws_access_key_id=wrong\n", "credentials");
  ASSERT_TRUE(config && credentials);
  EXPECT_EQ(find_profile(*config, "default", IniKind::config)->at("region"), "a");
  EXPECT_EQ(find_profile(*config, "dev", IniKind::config)->at("region"), "b");
  EXPECT_EQ(find_profile(*credentials, "dev", IniKind::credentials)->at("aws_access_key_id"), "K");
  EXPECT_EQ(find_profile(*config, "missing", IniKind::config), nullptr);
  EXPECT_EQ(find_profile(*credentials, "missing", IniKind::credentials), nullptr);
}

}  // namespace
}  // namespace lcd::aws
