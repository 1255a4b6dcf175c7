// Terraform itself as the oracle: `terraform plan` + `terraform show -json` of
// tests/data/terraform, run offline with the AWS provider from a local plugin
// mirror, must give exactly the filters and alarms trailwatch evaluates from
// the .tf files. Skips, saying why, where terraform or the provider is absent.
// Knobs: TW_TERRAFORM (the binary; default: terraform on PATH),
// TW_TF_PLUGIN_MIRROR (default /opt/tf-plugins, holding
// registry.terraform.io/hashicorp/aws/...).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "trailwatch/rules.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using trailwatch::MetricAlarm;
using trailwatch::MetricFilter;
using trailwatch::RuleSet;

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string FindTerraform() {
  const std::string given = Env("TW_TERRAFORM", "");
  if (!given.empty()) return access(given.c_str(), X_OK) == 0 ? given : std::string();
  std::stringstream path(Env("PATH", ""));
  std::string dir;
  while (std::getline(path, dir, ':')) {
    const std::string candidate = (fs::path(dir.empty() ? "." : dir) / "terraform").string();
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// Runs argv (no shell) with `env` added to the environment, stdout to `out`,
// stderr to `err`; returns the exit status (-1 if it could not run).
int Run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& out,
        const std::string& err) {
  std::vector<std::string> env_strings(env);
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  args.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Pairs(const trailwatch::KeyValues& kv) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + "=" + v + ";";
  return out;
}

std::vector<std::string> Canonical(const RuleSet& r) {
  std::vector<std::string> out;
  for (const MetricFilter& f : r.filters) {
    out.push_back(fmt::format("filter {} {} {} {}/{} {} {} {}", f.address, f.name, f.pattern_text, f.metric_namespace,
                              f.metric_name, f.value, Pairs(f.dimensions), f.log_group_name));
  }
  for (const MetricAlarm& a : r.alarms) {
    out.push_back(fmt::format("alarm {} {} {}/{} {} {} {} {} {} {} {} {} {} [{}] {}", a.address, a.name,
                              a.metric_namespace, a.metric_name, a.statistic.name, a.comparison_text, a.threshold,
                              a.period, a.evaluation_periods, a.datapoints_to_alarm, a.treat_missing_text,
                              Pairs(a.dimensions), Pairs(a.tags), fmt::join(a.alarm_actions, ","), a.description));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("terraform oracle: terraform show -json of the test tree gives the rules trailwatch evaluates",
          "[terraform][oracle]") {
  const std::string terraform = FindTerraform();
  const std::string mirror = Env("TW_TF_PLUGIN_MIRROR", "/opt/tf-plugins");
  std::error_code ec;
  if (terraform.empty()) {
    WARN("skipped: no terraform on PATH (or TW_TERRAFORM)");
    return;
  }
  if (!fs::is_directory(fs::path(mirror) / "registry.terraform.io/hashicorp/aws", ec)) {
    WARN("skipped: no hashicorp/aws provider in the plugin mirror " + mirror + " (set TW_TF_PLUGIN_MIRROR)");
    return;
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("tw-oracle-{}", ::getpid());
  fs::remove_all(dir, ec);
  fs::create_directories(dir / "repo");
  fs::copy(std::string(TW_TEST_DATA) + "/terraform", dir / "repo", fs::copy_options::recursive);
  // Offline: no credentials, no account lookup, providers from the mirror only.
  std::ofstream(dir / "repo/provider_override.tf") << "provider \"aws\" {\n"
                                                      "  skip_credentials_validation = true\n"
                                                      "  skip_requesting_account_id  = true\n"
                                                      "  skip_metadata_api_check     = true\n"
                                                      "  skip_region_validation      = true\n}\n";
  std::ofstream(dir / "cli.tfrc") << fmt::format(
      "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n", mirror);
  const std::vector<std::string> env = {
      "TF_CLI_CONFIG_FILE=" + (dir / "cli.tfrc").string(), "TF_DATA_DIR=" + (dir / "tfdata").string(),
      "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "AWS_ACCESS_KEY_ID=offline", "AWS_SECRET_ACCESS_KEY=offline"};
  const std::string chdir = "-chdir=" + (dir / "repo").string();
  const std::string log = (dir / "terraform.log").string();
  const std::string plan = (dir / "plan.bin").string();
  const std::string json = (dir / "plan.json").string();
  int status = Run({terraform, chdir, "init", "-input=false", "-backend=false", "-no-color"}, env, log + ".init", log);
  INFO(Slurp(log));
  REQUIRE(status == 0);
  status = Run({terraform, chdir, "plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=" + plan},
               env, log + ".plan", log);
  REQUIRE(status == 0);
  status = Run({terraform, chdir, "show", "-json", "-no-color", plan}, env, json, log);
  REQUIRE(status == 0);

  RuleSet from_plan, from_tf;
  trailwatch::LoadRulePaths({json}, &from_plan);
  trailwatch::LoadRulePaths({std::string(TW_TEST_DATA) + "/terraform"}, &from_tf);
  fs::remove_all(dir, ec);
  REQUIRE(from_plan.errors.empty());
  REQUIRE(from_tf.errors.empty());
  CHECK(from_plan.filters.size() == 6);
  CHECK(from_plan.alarms.size() == 6);
  CHECK(Canonical(from_plan) == Canonical(from_tf));
}
