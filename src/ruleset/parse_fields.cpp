// parse_fields: CloudWatch's enumerations (PutMetricAlarm) and the metric
// filter checks of spec 6, shared by both rule loaders.
#include "ruleset/parse_fields.h"

#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace trailwatch::ruleset {

std::optional<double> ParseNumber(std::string_view text) {
  const std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

bool ParseComparison(std::string_view text, MetricAlarm* a) {
  a->comparison_text = std::string(text);
  if (text == "GreaterThanOrEqualToThreshold") a->comparison = Comparison::kGreaterThanOrEqual;
  else if (text == "GreaterThanThreshold") a->comparison = Comparison::kGreaterThan;
  else if (text == "LessThanThreshold") a->comparison = Comparison::kLessThan;
  else if (text == "LessThanOrEqualToThreshold") a->comparison = Comparison::kLessThanOrEqual;
  else return false;
  return true;
}

bool ParseStatistic(std::string_view text, bool extended, Statistic* st) {
  st->name = std::string(text);
  if (!extended) {
    if (text == "Sum") st->kind = Statistic::Kind::kSum;
    else if (text == "SampleCount") st->kind = Statistic::Kind::kSampleCount;
    else if (text == "Average") st->kind = Statistic::Kind::kAverage;
    else if (text == "Minimum") st->kind = Statistic::Kind::kMinimum;
    else if (text == "Maximum") st->kind = Statistic::Kind::kMaximum;
    else return false;
    return true;
  }
  if (text.size() < 2 || text[0] != 'p') return false;
  const std::optional<double> p = ParseNumber(text.substr(1));
  if (!p || *p < 0 || *p > 100) return false;
  st->kind = Statistic::Kind::kPercentile;
  st->percentile = *p;
  return true;
}

bool ParseTreatMissing(std::string_view text, MetricAlarm* a) {
  a->treat_missing_text = std::string(text);
  if (text == "missing") a->treat_missing = TreatMissing::kMissing;
  else if (text == "ignore") a->treat_missing = TreatMissing::kIgnore;
  else if (text == "breaching") a->treat_missing = TreatMissing::kBreaching;
  else if (text == "notBreaching") a->treat_missing = TreatMissing::kNotBreaching;
  else return false;
  return true;
}

bool CheckFilter(const MetricFilter& f, std::vector<RuleError>* errors) {
  const size_t before = errors->size();
  auto error = [&](std::string m) { errors->push_back({f.loc, std::move(m)}); };
  const std::string who = fmt::format("metric filter \"{}\"", f.name);
  if (f.metric_name.empty() || f.metric_namespace.empty()) {
    error(fmt::format("{}: metric_transformation needs a name and a namespace", who));
  }
  for (const std::string* s : {&f.metric_name, &f.metric_namespace}) {
    if (s->find_first_of(":*$") != std::string::npos) {
      error(fmt::format("{}: \"{}\" may not contain ':', '*' or '$'", who, *s));
    }
  }
  if (!ParseNumber(f.value) && (f.value.empty() || f.value[0] != '$')) {
    error(fmt::format("{}: value \"{}\" is neither a number nor a $.selector", who, f.value));
  }
  if (f.dimensions.size() > 3) error(fmt::format("{}: at most 3 dimensions", who));
  if (!f.dimensions.empty() && f.default_value) {
    error(fmt::format("{}: a filter with dimensions cannot have a default_value (spec 6)", who));
  }
  for (const auto& [name, selector] : f.dimensions) {
    if (selector.empty() || selector[0] != '$') {
      error(fmt::format("{}: dimension \"{}\" must be a selector such as $.sourceIPAddress (literal "
                        "dimension values are not supported)",
                        who, name));
    }
  }
  if (!f.dimensions.empty() && f.pattern && f.pattern->kind() != FilterPattern::Kind::kJson &&
      f.pattern->kind() != FilterPattern::Kind::kSpaceDelimited) {
    error(fmt::format("{}: the specified filter pattern does not support dimensions (term patterns "
                      "cannot carry them)",
                      who));
  }
  return errors->size() == before;
}

}  // namespace trailwatch::ruleset
