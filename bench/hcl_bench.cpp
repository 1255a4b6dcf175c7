// hcl_bench: how fast the Terraform reader is. Parses the long flat inputs
// the unit tests check (an operator chain, a long list, many blocks), loads
// the built-in pack, and evaluates a module with a large for_each; prints a
// markdown table of the best of N runs. `hcl_bench --check` runs each once,
// small, and only checks the results (ctest runs that, so it cannot rot).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ruleset/hcl.h"
#include "trailwatch/rules.h"

namespace {

namespace hcl = trailwatch::ruleset::hcl;

struct Case {
  std::string name;
  std::string input;  // described by its size
  std::function<bool()> run;
};

std::string Chain(int n) {
  std::string s = "a = x";
  for (int k = 0; k < n; ++k) s += " + x";
  return s + "\n";
}

std::string List(int n) {
  std::string s = "a = [";
  for (int k = 0; k < n; ++k) s += "\"v\", ";
  return s + "]\n";
}

std::string Blocks(int n) {
  std::string s;
  for (int k = 0; k < n; ++k) s += fmt::format("r \"t\" \"n{}\" {{\n  v{} = {}\n}}\n", k, k, k);
  return s;
}

// A module with one filter and one alarm per entry of a for_each map.
std::string ForEach(int n) {
  std::string s = "locals {\n  rules = {\n";
  for (int k = 0; k < n; ++k) s += fmt::format("    r{} = {{ event = \"Event{}\", threshold = {} }}\n", k, k, k % 5 + 1);
  s += R"(  }
}
resource "aws_cloudwatch_log_metric_filter" "f" {
  for_each = local.rules
  name     = "filter-${each.key}"
  pattern  = format("{ $.eventName = %s }", each.value.event)
  metric_transformation {
    name      = "${title(each.key)}Count"
    namespace = "Bench"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  for_each            = local.rules
  alarm_name          = "alarm-${each.key}"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = aws_cloudwatch_log_metric_filter.f[each.key].metric_transformation[0].name
  namespace           = "Bench"
  period              = 300
  statistic           = "Sum"
  threshold           = each.value.threshold
  tags                = { Severity = each.value.threshold > 3 ? "high" : "low" }
}
)";
  return s;
}

bool Parses(const std::string& text, size_t attributes, size_t blocks) {
  auto body = hcl::Parse(text);
  return body.ok() && body.value().attributes.size() == attributes && body.value().blocks.size() == blocks;
}

bool Loads(const std::string& text, size_t rules) {
  trailwatch::RuleSet set;
  trailwatch::LoadTerraform(text, "bench.tf", &set);
  return set.errors.empty() && set.filters.size() == rules && set.alarms.size() == rules;
}

}  // namespace

int main(int argc, char** argv) {
  const bool check = argc > 1 && std::strcmp(argv[1], "--check") == 0;
  const int scale = check ? 100 : 1;
  const int runs = check ? 1 : 5;
  const std::string chain = Chain(200000 / scale), list = List(100000 / scale), blocks = Blocks(20000 / scale);
  const std::string for_each = ForEach(2000 / scale);
  const std::vector<Case> cases = {
      {fmt::format("parse: `a = x + x + ...`, {} operators", 200000 / scale), chain,
       [&] { return Parses(chain, 1, 0); }},
      {fmt::format("parse: a list of {} strings", 100000 / scale), list, [&] { return Parses(list, 1, 0); }},
      {fmt::format("parse: {} blocks", 20000 / scale), blocks,
       [&] { return Parses(blocks, 0, static_cast<size_t>(20000 / scale)); }},
      {fmt::format("load: for_each over {} rules (filter + alarm each)", 2000 / scale), for_each,
       [&] { return Loads(for_each, static_cast<size_t>(2000 / scale)); }},
      {"load: the built-in pack (rules/*.tf)", "",
       [] {
         trailwatch::RuleSet set;
         trailwatch::LoadBuiltinRules(&set);
         return set.errors.empty() && !set.filters.empty();
       }},
  };
  if (!check) {
    std::printf("| case | input | best of %d |\n|---|--:|--:|\n", runs);
  }
  bool ok = true;
  for (const Case& c : cases) {
    double best = 1e30;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const bool good = c.run();
      const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
      if (!good) {
        std::fprintf(stderr, "hcl_bench: %s: wrong result\n", c.name.c_str());
        ok = false;
      }
      best = std::min(best, took.count());
    }
    if (!check) {
      std::printf("| %s | %s | %.1f ms |\n", c.name.c_str(),
                  c.input.empty() ? "-" : fmt::format("{:.1f} KiB", static_cast<double>(c.input.size()) / 1024).c_str(),
                  best);
    }
  }
  return ok ? 0 : 1;
}
