// scan_data: what a scan gathers from the logs — the observations of every
// metric series, per minute, with evidence — keyed by names (not rule
// indexes) so that it can be saved in a --state file and merged across runs.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <tuple>

#include "trailwatch/alarm.h"
#include "trailwatch/rules.h"

namespace trailwatch::pipeline {

/// A metric series: the metric and one set of dimension values (sorted by name).
struct SeriesId {
  std::string metric_namespace, metric_name;
  KeyValues dimensions;
  bool operator<(const SeriesId& o) const {
    return std::tie(metric_namespace, metric_name, dimensions) <
           std::tie(o.metric_namespace, o.metric_name, o.dimensions);
  }
};

struct ScanData {
  std::map<SeriesId, alarm::Series> series;  ///< ordered: output does not depend on hashing
  UnixSeconds first = std::numeric_limits<UnixSeconds>::max();  ///< eventTime span of all records
  UnixSeconds last = std::numeric_limits<UnixSeconds>::min();

  bool empty() const { return first > last; }
  /// Adds `other` in (commutative: the result does not depend on file order,
  /// on -j, or on how the input was split across runs).
  void Merge(ScanData&& other) {
    for (auto& [id, s] : other.series) series[id].Merge(std::move(s));
    if (other.first < first) first = other.first;
    if (other.last > last) last = other.last;
  }
};

}  // namespace trailwatch::pipeline
