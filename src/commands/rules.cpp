// rules: `rules list` (the alarms as a table or JSON lines) and `rules
// test` (each metric filter against its examples: records that must match and
// near misses that must not, in examples/<filter name>.jsonl). In text, every
// column but the last is a text field (quoted when it holds a blank).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "output/write.h"
#include "ruleset/builtin.h"
#include "trailwatch/escape.h"
#include "trailwatch/pipeline.h"
#include "trailwatch/rules.h"

namespace trailwatch {
namespace {

RuleSet Load(const std::vector<std::string>& paths) {
  RuleSet rules;
  if (paths.empty()) {
    LoadBuiltinRules(&rules);
  } else {
    LoadRulePaths(paths, &rules);
  }
  rules.CrossCheck();
  for (const RuleError& e : rules.errors) output::Diagnostic(e.Describe());
  return rules;
}

std::string_view Tag(const MetricAlarm& a, std::string_view key) { return TagValue(a.tags, key); }

std::string Window(const MetricAlarm& a) {
  std::string period = a.period % 3600 == 0 ? fmt::format("{}h", a.period / 3600)
                                                  : fmt::format("{}m", a.period / 60);
  if (a.evaluation_periods == 1) return period;
  return fmt::format("{}/{} x {}", a.datapoints_to_alarm, a.evaluation_periods, period);
}



// The example files of a rule set: name -> text.
std::map<std::string, std::string> Examples(const std::vector<std::string>& paths) {
  std::map<std::string, std::string> out;
  if (paths.empty()) {
    for (const ruleset::BuiltinFile& f : ruleset::BuiltinFiles()) {
      if (f.name.rfind("examples/", 0) == 0 && f.name.size() > 15) {
        out[std::string(f.name.substr(9, f.name.size() - 9 - 6))] = std::string(f.text);
      }
    }
    return out;
  }
  namespace fs = std::filesystem;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::path dir = fs::is_directory(p, ec) ? fs::path(p) : fs::path(p).parent_path();
    for (auto it = fs::directory_iterator(dir / "examples", ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      if (it->path().extension() != ".jsonl") continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      out[it->path().stem().string()] = s.str();
    }
  }
  return out;
}

}  // namespace

int RunRulesList(const std::vector<std::string>& paths, bool jsonl, bool filters) {
  const RuleSet rules = Load(paths);
  std::string out;
  if (filters) {
    for (const MetricFilter& f : rules.filters) {
      const std::string metric = f.metric_namespace + "/" + f.metric_name;
      if (jsonl) {
        out += fmt::format(R"({{"filter":{},"metric":{},"value":{},"pattern":{},"source":{}}})"
                           "\n",
                           JsonQuoted(f.name), JsonQuoted(metric), JsonQuoted(f.value),
                           JsonQuoted(f.pattern_text), JsonQuoted(f.loc.Describe()));
      } else {
        out += fmt::format("{:<44} {:<50} {}\n", TextField(f.name), TextField(metric),
                           TerminalSafe(f.pattern_text));  // the last column: free text
      }
    }
    output::WriteStdout(out);
    return rules.errors.empty() ? kExitOk : kExitError;
  }
  if (!jsonl) {
    out += fmt::format("{:<44} {:<9} {:<50} {:<12} {:<10} {}\n", "ALARM", "SEVERITY", "METRIC",
                       "THRESHOLD", "WINDOW", "DESCRIPTION");
  }
  for (const MetricAlarm& a : rules.alarms) {
    const std::string metric = a.metric_namespace + "/" + a.metric_name;
    const std::string threshold =
        fmt::format("{} {} {}", TerminalSafe(a.statistic.name), ComparisonSymbol(a.comparison), a.threshold);
    if (jsonl) {
      out += fmt::format(
          R"({{"alarm":{},"severity":{},"metric":{},"statistic":{},"comparison":{},"threshold":{},)"
          R"("period":{},"evaluation_periods":{},"datapoints_to_alarm":{},"mitre_attack":{},"description":{},"source":{}}})"
          "\n",
          JsonQuoted(a.name), JsonQuoted(Tag(a, "Severity")), JsonQuoted(metric), JsonQuoted(a.statistic.name), JsonQuoted(a.comparison_text),
          a.threshold, a.period, a.evaluation_periods, a.datapoints_to_alarm, JsonQuoted(Tag(a, "MitreAttack")),
          JsonQuoted(a.description), JsonQuoted(a.loc.Describe()));
    } else {
      out += fmt::format("{:<44} {:<9} {:<50} {:<12} {:<10} {}\n", TextField(a.name),
                         Tag(a, "Severity").empty() ? "-" : TextField(Tag(a, "Severity")), TextField(metric),
                         threshold, Window(a), TerminalSafe(a.description));
    }
  }
  output::WriteStdout(out);
  return rules.errors.empty() ? kExitOk : kExitError;
}

int RunRulesTest(const std::vector<std::string>& paths) {
  const RuleSet rules = Load(paths);
  const std::map<std::string, std::string> examples = Examples(paths);
  simdjson::dom::parser parser;
  size_t passed = 0, failed = 0;
  std::string out;
  auto report = [&](bool ok, std::string_view filter, std::string_view what) {
    (ok ? passed : failed)++;
    out += fmt::format("{} {} {}\n", ok ? "PASS" : "FAIL", TextField(filter), TerminalSafe(what));
  };
  for (const MetricFilter& f : rules.filters) {
    auto it = examples.find(f.name);
    if (it == examples.end()) {
      report(false, f.name, "no examples (examples/" + f.name + ".jsonl)");
      continue;
    }
    bool has_match = false, has_nomatch = false;
    std::istringstream lines(it->second);
    std::string line;
    for (size_t n = 1; std::getline(lines, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      simdjson::dom::element e, record;
      std::string_view expect, why;
      if (parser.parse(line).get(e) || e["expect"].get_string().get(expect) ||
          e["record"].get(record) || (expect != "match" && expect != "nomatch")) {
        report(false, f.name, fmt::format("line {}: not {{\"expect\": \"match\"|\"nomatch\", \"record\": {{...}}}}", n));
        continue;
      }
      if (e["why"].get_string().get(why)) why = "";
      const std::string text = simdjson::minify(record);
      const bool want = expect == "match";
      (want ? has_match : has_nomatch) = true;
      const bool got = f.pattern->MatchMessage(text);
      report(got == want, f.name,
             fmt::format("line {}: {}{}{}", n, want ? "matches" : "does not match", why.empty() ? "" : ": ", why));
    }
    if (!has_match) report(false, f.name, "no example that must match");
    if (!has_nomatch) report(false, f.name, "no near miss that must not match");
  }
  out += fmt::format("{} passed, {} failed\n", passed, failed);
  output::WriteStdout(out);
  if (!rules.errors.empty()) return kExitError;
  return failed == 0 ? kExitOk : kExitNoMatch;
}

}  // namespace trailwatch
