#include "util/subprocess.hpp"

#include <gtest/gtest.h>

namespace lcd {

TEST(Subprocess, CapturesOutputAndExitCode) {
  auto r = run_process(shell_command("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Subprocess, PassesEnvironmentAndStdin) {
  ProcessSpec spec = shell_command("printf '%s:' \"$LCD_X\"; cat");
  spec.env_set["LCD_X"] = "value";
  spec.stdin_data = "input";
  auto r = run_process(spec);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->output, "value:input");
}

TEST(Subprocess, TimeoutKillsTheProcessGroup) {
  ProcessSpec spec = shell_command("sleep 30 & sleep 30; echo never");
  spec.timeout = std::chrono::milliseconds(200);
  auto r = run_process(spec);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->ok());
  EXPECT_LT(r->duration.count(), 5000);
}

TEST(Subprocess, MissingCommandIsNotFound) {
  ProcessSpec spec;
  spec.argv = {"lambda-cd-no-such-command"};
  auto r = run_process(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
}

}  // namespace lcd
