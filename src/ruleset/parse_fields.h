// parse_fields: the enumerations and checks shared by the Terraform and the
// describe-* JSON loaders (comparison operators, statistics, missing data).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "trailwatch/rules.h"

namespace trailwatch::ruleset {

std::optional<double> ParseNumber(std::string_view text);
bool ParseComparison(std::string_view text, MetricAlarm* alarm);
/// `extended`: the field was extended_statistic (pNN only).
bool ParseStatistic(std::string_view text, bool extended, Statistic* statistic);
bool ParseTreatMissing(std::string_view text, MetricAlarm* alarm);
/// Checks a metric filter as PutMetricFilter would: names, value, dimensions
/// (at most 3, selectors, not with default_value, not on term patterns).
/// Returns false, and adds to `errors`, if it would be refused.
bool CheckFilter(const MetricFilter& filter, std::vector<RuleError>* errors);

}  // namespace trailwatch::ruleset
