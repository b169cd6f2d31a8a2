#include <gtest/gtest.h>

#include "cli/cli_config.hpp"

using namespace lcd;
using namespace lcd::cli;

TEST(ReleaseConfig, DefaultsAndPerAliasTables) {
  CliConfig c;
  auto ok = apply_toml(R"(
[release]
strategy = "canary:10:5m"
alarms = ["fn-errors", "fn-p99"]
max_error_rate = 0.02
min_invocations = 50
before_traffic = "npm run smoke"

[release.PROD]
strategy = "Linear10PercentEvery1Minute"
after_traffic = "./verify.sh"
max_error_rate = 0

[release.STAGE]
strategy = "all-at-once"
alarms = "stage-errors"
)", "lambda-cd.toml", c);
  ASSERT_TRUE(ok) << ok.error().message;
  const auto& r = c.project.release;
  EXPECT_EQ(r.defaults.strategy, "canary:10:5m");
  EXPECT_EQ(r.defaults.alarms, (std::vector<std::string>{"fn-errors", "fn-p99"}));
  EXPECT_DOUBLE_EQ(*r.defaults.max_error_rate, 0.02);
  EXPECT_EQ(r.defaults.min_invocations, 50);
  EXPECT_EQ(r.defaults.before_traffic, "npm run smoke");
  ASSERT_EQ(r.per_alias.size(), 2u);
  const auto& prod = r.per_alias.at("PROD");
  EXPECT_EQ(prod.strategy, "Linear10PercentEvery1Minute");
  EXPECT_EQ(prod.after_traffic, "./verify.sh");
  EXPECT_DOUBLE_EQ(*prod.max_error_rate, 0.0);
  EXPECT_FALSE(prod.alarms);
  EXPECT_EQ(r.per_alias.at("STAGE").alarms, std::vector<std::string>{"stage-errors"});
}

TEST(ReleaseConfig, ErrorsNameTheFileLineAndKey) {
  struct Case {
    const char* toml;
    const char* message;
  };
  for (const Case& k : {
           Case{"[release]\nstratgy = \"canary:10:5m\"\n",
                "x.toml:2: unknown key 'stratgy' in [release] (per-alias settings go in [release.ALIAS] tables)"},
           Case{"[release]\nstrategy = \"canary:10:5\"\n",
                "x.toml:2: [release] strategy 'canary:10:5': '5' is not a duration: use a number with a unit, e.g. "
                "30s, 5m, 1h, 1m30s"},
           Case{"[release.PROD]\nstrategy = \"blue-green\"\n", "x.toml:2: [release.PROD] unknown strategy 'blue-green'"},
           Case{"[release]\nmax_error_rate = 5\n",
                "x.toml:2: [release] max_error_rate is a fraction from 0 to 1 (0.05 means 5%)"},
           Case{"[release]\nmax_error_rate = \"5%\"\n", "x.toml:2: [release] max_error_rate must be a number"},
           Case{"[release]\nmin_invocations = 0\n", "x.toml:2: [release] min_invocations = 0 is outside 1..1000000000"},
           Case{"[release]\nalarms = [1]\n", "x.toml:2: [release] alarms must hold strings"},
           Case{"[release.PROD]\nbefore = \"x\"\n", "x.toml:2: unknown key 'before' in [release.PROD]"},
           Case{"[release.PROD.extra]\nstrategy = \"AllAtOnce\"\n", "x.toml:1: unknown key 'extra' in [release.PROD]"},
       }) {
    CliConfig c;
    auto r = apply_toml(k.toml, "x.toml", c);
    ASSERT_FALSE(r) << k.toml;
    EXPECT_EQ(r.error().code, pipeline::k_config_error);
    EXPECT_EQ(r.error().message.substr(0, std::string(k.message).size()), k.message) << r.error().message;
  }
}
