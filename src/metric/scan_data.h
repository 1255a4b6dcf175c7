// scan_data: what a scan gathers from the logs — the observations of every
// metric series, per minute, with evidence — keyed by names (not rule
// indexes) so that it can be saved in a --state file and merged across runs.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

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

/// The identity of an event for de-duplication: the first 128 bits of the
/// SHA-256 of (eventID, recipientAccountId). Bounded in size whatever the
/// log says, and not forgeable into a collision.
using RecordKey = std::array<uint8_t, 16>;
struct RecordKeyHash {
  size_t operator()(const RecordKey& k) const {
    uint64_t h = 0;
    std::memcpy(&h, k.data(), sizeof h);
    return static_cast<size_t>(h);
  }
};
/// A matching record counted: its eventTime (for pruning) and a 64-bit hash
/// of what it contributes (the filters it matched, its observations, what its
/// evidence shows). A copy is a duplicate only if that is the same too: a
/// planted record with a real event's eventID and other content must not
/// make the real one a "duplicate".
struct CountedRecord {
  UnixSeconds time = 0;
  uint64_t content = 0;
  bool operator==(const CountedRecord&) const = default;
};
using RecordKeys = std::unordered_map<RecordKey, CountedRecord, RecordKeyHash>;
RecordKey MakeRecordKey(std::string_view event_id, std::string_view account);

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
