// rules: what every rule source shares: positions and messages, the checks
// PutMetricAlarm and PutMetricFilter make (spec 6, 8.1), cross-checks between
// filters and alarms, and finding rule files on disk or in the binary.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "ruleset/builtin.h"
#include "trailwatch/escape.h"
#include "trailwatch/rules.h"

namespace trailwatch {

std::string_view TagValue(const KeyValues& kv, std::string_view key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return v;
  }
  return {};
}

std::string SourceLoc::Describe() const {
  if (line == 0) return TerminalSafe(file);
  return fmt::format("{}:{}:{}", TerminalSafe(file), line, column);
}

std::string RuleError::Describe() const {
  return fmt::format("{}: {}", loc.Describe(), TerminalSafe(message));
}

const char* ComparisonSymbol(Comparison c) {
  switch (c) {
    case Comparison::kGreaterThanOrEqual: return ">=";
    case Comparison::kGreaterThan: return ">";
    case Comparison::kLessThan: return "<";
    case Comparison::kLessThanOrEqual: return "<=";
  }
  return "?";
}

void ValidateAlarm(const MetricAlarm& a, std::vector<RuleError>* errors) {
  auto error = [&](std::string message) { errors->push_back({a.loc, std::move(message)}); };
  const std::string who = fmt::format("alarm \"{}\"", a.name);
  if (a.name.empty()) error("alarm without alarm_name");
  if (a.metric_name.empty() || a.metric_namespace.empty()) {
    error(fmt::format("{}: metric_name and namespace are required (metric math is not supported)", who));
  }
  if (a.period == 10 || a.period == 20 || a.period == 30) {
    error(fmt::format("{}: period {} s is high resolution; metric filters publish one datapoint a "
                      "minute, so offline evaluation needs a multiple of 60",
                      who, a.period));
  } else if (a.period <= 0 || a.period % 60 != 0) {
    error(fmt::format("{}: period {} is not allowed (10, 20, 30 or a multiple of 60 seconds)", who,
                      a.period));
  }
  if (a.evaluation_periods < 1) error(fmt::format("{}: evaluation_periods must be at least 1", who));
  if (a.datapoints_to_alarm < 1 || a.datapoints_to_alarm > a.evaluation_periods) {
    error(fmt::format("{}: datapoints_to_alarm ({}) must be between 1 and evaluation_periods ({})",
                      who, a.datapoints_to_alarm, a.evaluation_periods));
  }
  const int64_t span = a.period * a.evaluation_periods;
  if (span > 604800) {
    error(fmt::format("{}: period x evaluation_periods = {} s exceeds 7 days", who, span));
  } else if (a.period < 3600 && span > 86400) {
    error(fmt::format("{}: with a period under an hour, period x evaluation_periods ({} s) may not "
                      "exceed one day",
                      who, span));
  }
  if (a.statistic.kind == Statistic::Kind::kPercentile &&
      (a.statistic.percentile < 0 || a.statistic.percentile > 100)) {
    error(fmt::format("{}: percentile {} out of range", who, a.statistic.percentile));
  }
}

void RuleSet::CrossCheck() {
  std::set<std::pair<std::string, std::string>> metrics;
  std::map<std::string, SourceLoc> filter_names, alarm_names;
  for (const MetricFilter& f : filters) {
    metrics.insert({f.metric_namespace, f.metric_name});
    if (auto [it, fresh] = filter_names.emplace(f.name, f.loc); !fresh) {
      errors.push_back({f.loc, fmt::format("metric filter \"{}\" is defined twice (first at {})", f.name,
                                           it->second.Describe())});
    }
  }
  for (const MetricAlarm& a : alarms) {
    if (auto [it, fresh] = alarm_names.emplace(a.name, a.loc); !fresh) {
      errors.push_back({a.loc, fmt::format("alarm \"{}\" is defined twice (first at {})", a.name,
                                           it->second.Describe())});
    }
    if (!a.metric_name.empty() && !metrics.count({a.metric_namespace, a.metric_name})) {
      errors.push_back({a.loc, fmt::format("alarm \"{}\" watches metric {}/{}, which no metric filter "
                                           "produces",
                                           a.name, a.metric_namespace, a.metric_name)});
    }
  }
  std::stable_sort(errors.begin(), errors.end(), [](const RuleError& x, const RuleError& y) {
    return std::tie(x.loc.file, x.loc.line, x.loc.column) < std::tie(y.loc.file, y.loc.line, y.loc.column);
  });
}

namespace {

bool IsJsonText(std::string_view text, const std::string& name) {
  if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0) return true;
  if (name.size() >= 3 && name.compare(name.size() - 3, 3, ".tf") == 0) return false;
  size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  return i < text.size() && text[i] == '{' && text.find('"', i) == text.find_first_not_of(" \n\r\t", i + 1);
}

// Loads files that belong together: JSON files one by one, .tf files as one
// Terraform module (shared variables and locals).
void LoadGroup(const std::vector<std::pair<std::string, std::string>>& files, RuleSet* rules) {
  std::vector<std::pair<std::string, std::string>> terraform;
  for (const auto& [name, text] : files) {
    ++rules->files;
    if (IsJsonText(text, name)) {
      LoadDescribeJson(text, name, rules);
    } else {
      terraform.emplace_back(name, text);
    }
  }
  if (!terraform.empty()) LoadTerraformModule(terraform, rules);
}

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

}  // namespace

void LoadRulePaths(const std::vector<std::string>& paths, RuleSet* rules) {
  namespace fs = std::filesystem;
  for (const std::string& p : paths) {
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        const fs::path& f = it->path();
        const std::string ext = f.extension().string();
        if (it->is_regular_file(ec) && (ext == ".tf" || ext == ".json") && f.filename().string()[0] != '.') {
          files.push_back(f);
        }
      }
      if (ec) rules->errors.push_back({{p, 0, 0}, ec.message()});
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      rules->errors.push_back({{p, 0, 0}, "no such file or folder"});
    }
    std::sort(files.begin(), files.end());
    // One group per folder: a Terraform module.
    std::map<fs::path, std::vector<std::pair<std::string, std::string>>> groups;
    for (const fs::path& f : files) {
      std::string text;
      if (!ReadFile(f, &text)) {
        rules->errors.push_back({{f.string(), 0, 0}, "cannot read the rule file"});
        continue;
      }
      groups[f.parent_path()].emplace_back(f.string(), std::move(text));
    }
    for (auto& [dir, group] : groups) LoadGroup(group, rules);
  }
}

void LoadBuiltinRules(RuleSet* rules) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const ruleset::BuiltinFile& f : ruleset::BuiltinFiles()) {
    if (f.name.size() < 3 || f.name.substr(f.name.size() - 3) != ".tf") continue;  // examples
    files.emplace_back("builtin:rules/" + std::string(f.name), std::string(f.text));
  }
  LoadGroup(files, rules);
}

}  // namespace trailwatch
