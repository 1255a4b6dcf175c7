// select: --only / --exclude over loaded rules: severity comparisons, tag
// matches, and globs or words on alarm names and tag values.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "trailwatch/rules.h"

namespace trailwatch {
namespace {

// '*' any run, '?' one byte; iterative, linear in practice (one backtrack point).
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int> SeverityRank(std::string_view s) {
  const std::string l = Lower(s);
  if (l == "low") return 1;
  if (l == "medium") return 2;
  if (l == "high") return 3;
  if (l == "critical") return 4;
  return std::nullopt;
}

// Whether `word` is a word of `value` (split on anything not a letter, digit,
// '.', '-' or '_'), ignoring case; "t1078" is also a word of "T1078.004".
bool HasWord(std::string_view value, const std::string& word) {
  const std::string v = Lower(value);
  size_t k = 0;
  while (k < v.size()) {
    const auto inside = [&](size_t i) {
      const auto c = static_cast<unsigned char>(v[i]);
      return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+';
    };
    while (k < v.size() && !inside(k)) ++k;
    const size_t start = k;
    while (k < v.size() && inside(k)) ++k;
    const std::string_view token = std::string_view(v).substr(start, k - start);
    if (token == word || (token.size() > word.size() && token.starts_with(word) && token[word.size()] == '.')) {
      return true;
    }
  }
  return false;
}

// Whether `alarm` matches `selector`; nullopt if the selector is malformed.
std::optional<bool> Matches(const MetricAlarm& alarm, const std::string& selector) {
  if (selector.rfind("severity", 0) == 0 && selector.size() > 8 && std::string_view("<>=").find(selector[8]) != std::string_view::npos) {
    std::string_view op = std::string_view(selector).substr(8, 2);
    if (op != ">=" && op != "<=") op = op.substr(0, 1);
    const std::optional<int> want = SeverityRank(std::string_view(selector).substr(8 + op.size()));
    if (!want) return std::nullopt;
    const std::optional<int> have = SeverityRank(TagValue(alarm.tags, "Severity"));
    if (!have) return false;
    if (op == ">=") return *have >= *want;
    if (op == "<=") return *have <= *want;
    if (op == ">") return *have > *want;
    if (op == "<") return *have < *want;
    return *have == *want;
  }
  if (const size_t eq = selector.find('='); eq != std::string::npos) {
    if (eq == 0) return std::nullopt;
    const std::string_view value = TagValue(alarm.tags, std::string_view(selector).substr(0, eq));
    return !value.empty() && Glob(std::string_view(selector).substr(eq + 1), value);
  }
  if (selector.empty()) return std::nullopt;
  if (Glob(selector, alarm.name)) return true;
  const std::string word = Lower(selector);
  return std::any_of(alarm.tags.begin(), alarm.tags.end(), [&](const auto& tag) { return HasWord(tag.second, word); });
}

}  // namespace

void SelectRules(const RuleSelection& selection, RuleSet* rules) {
  if (selection.only.empty() && selection.exclude.empty()) return;
  const MetricAlarm probe;  // a malformed selector fails on any alarm
  for (const auto& [flag, selectors] : {std::pair{"--only", &selection.only}, std::pair{"--exclude", &selection.exclude}}) {
    for (const std::string& s : *selectors) {
      if (Matches(probe, s)) continue;
      rules->errors.push_back({{fmt::format("{} {}", flag, s), 0, 0},
                               "not a selector: use severity>=LEVEL (low, medium, high, critical), KEY=GLOB on a tag, "
                               "a glob on alarm names, or a word of a tag value"});
    }
  }
  const auto any = [](const std::vector<std::string>& selectors, const MetricAlarm& alarm) {
    return std::any_of(selectors.begin(), selectors.end(),
                       [&](const std::string& s) { return Matches(alarm, s).value_or(false); });
  };
  std::vector<MetricAlarm> kept;
  std::set<std::pair<std::string, std::string>> metrics;
  for (MetricAlarm& a : rules->alarms) {
    if (!selection.only.empty() && !any(selection.only, a)) continue;
    if (any(selection.exclude, a)) continue;
    metrics.insert({a.metric_namespace, a.metric_name});
    kept.push_back(std::move(a));
  }
  rules->alarms = std::move(kept);
  std::erase_if(rules->filters, [&](const MetricFilter& f) {
    return metrics.count({f.metric_namespace, f.metric_name}) == 0;
  });
}

}  // namespace trailwatch
