#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/process_credentials.hpp"
#include "credential_fixture.hpp"
#include "util/file_io.hpp"

namespace lcd::aws {
namespace {

using test::FakeIo;

TEST(SplitCommandLine, QuotesAndEscapesLikeAShell) {
  auto words = split_command_line(R"(/opt/my tool  --profile 'a b' "c \"d\" \$e" f\ g)");
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (std::vector<std::string>{"/opt/my", "tool", "--profile", "a b", "c \"d\" $e", "f g"}));
  EXPECT_FALSE(split_command_line("broken 'quote"));
  EXPECT_FALSE(split_command_line("broken \"quote"));
  EXPECT_TRUE(split_command_line("   ")->empty());
}

// A real process: a script in a temporary directory prints the document.
struct ProcessFixture : ::testing::Test {
  TempDir dir{"lcd-credproc"};
  FakeIo fake;
  std::string write_script(const std::string& name, const std::string& body) {
    auto path = dir.path() / name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path.string();
  }
  void SetUp() override { fake.vars["AWS_REGION"] = "eu-west-1"; }
};

TEST_F(ProcessFixture, RunsTheCommandWithArgumentsAndReadsItsDocument) {
  std::string script = write_script("helper with space.sh",
                                    "echo \"asked for $1 $2\" >&2\n"
                                    "printf '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": "
                                    "\"procsecret\", \"SessionToken\": \"%s\", \"Expiration\": "
                                    "\"2026-11-26T13:00:00+00:00\"}' \"$2\"\n");
  fake.files["/home/u/.aws/config"] = "[default]\ncredential_process = \"" + script + "\" --session 'tok en'\n";
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIAPROC");
  EXPECT_EQ(config->credentials.session_token, "tok en");  // stderr did not mix into stdout
  EXPECT_EQ(config->credentials_source, "credential_process of profile 'default'");
  ASSERT_NE(config->credential_cache, nullptr);
}

TEST_F(ProcessFixture, FailuresNameTheProfileAndNeverTheOutput) {
  std::string failing = write_script("fail.sh", "echo '{\"SecretAccessKey\":\"leaked\"}'\nexit 3\n");
  fake.files["/home/u/.aws/config"] = "[default]\ncredential_process = " + failing + "\n";
  auto exit3 = fake.resolve();
  ASSERT_FALSE(exit3);
  EXPECT_EQ(exit3.error().kind, ErrorKind::auth);
  EXPECT_NE(exit3.error().message.find("credential_process of profile 'default' (" + failing + ") exited with status 3"),
            std::string::npos)
      << exit3.error().message;
  EXPECT_EQ(exit3.error().message.find("leaked"), std::string::npos);

  std::string v2 = write_script("v2.sh", "echo '{\"Version\": 2, \"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}'\n");
  fake.files["/home/u/.aws/config"] = "[default]\ncredential_process = " + v2 + "\n";
  auto version = fake.resolve();
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("without \"Version\": 1"), std::string::npos);

  fake.files["/home/u/.aws/config"] = "[default]\ncredential_process = " + (dir.path() / "absent").string() + "\n";
  auto absent = fake.resolve();
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().message.find("could not start"), std::string::npos) << absent.error().message;
}

}  // namespace
}  // namespace lcd::aws
