// Alarm engine: metric observations aggregated per minute and per series, and
// CloudWatch's alarm evaluation over them (spec section 8): sliding or
// wall-clock windows, statistics, M out of N, missing-data treatment, states,
// and alarm episodes (a transition into ALARM until the alarm leaves it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "trailwatch/rules.h"
#include "trailwatch/time.h"

namespace trailwatch::alarm {

/// The observations of one metric series in one minute. Values are kept as
/// a histogram only when some alarm needs a percentile.
struct Bucket {
  double sum = 0;
  uint64_t count = 0;
  double min = 0;
  double max = 0;
  std::map<double, uint64_t> values;

  void Add(double v, bool keep_values);
  void Merge(const Bucket& other);
};

/// A matching record remembered as evidence for the alarm it may raise.
struct Evidence {
  UnixSeconds time = 0;
  std::string event_id;
  std::string principal;
  std::string source_ip;
  std::string raw_json;    ///< only with --with-events
  std::string event_name;
  std::string error;       ///< errorCode, else errorMessage: a failed call and a success differ
  /// A total order (time first), so that what is kept never depends on the
  /// order records arrive in.
  bool operator<(const Evidence& o) const {
    return std::tie(time, event_id, principal, source_ip, event_name, error, raw_json) <
           std::tie(o.time, o.event_id, o.principal, o.source_ip, o.event_name, o.error, o.raw_json);
  }
  /// The same actor doing the same thing: (principal, source IP, eventName, error).
  bool SameActor(const Evidence& o) const {
    return principal == o.principal && source_ip == o.source_ip && event_name == o.event_name && error == o.error;
  }
};

/// The evidence of one minute of one series: at most kMaxEvidencePerMinute
/// records. Every distinct actor (see Evidence::SameActor) gets a place, its
/// earliest record, before repeats fill the rest (earliest first), so that 60
/// decoys cannot push the one record that matters out. `kept` is a function
/// of the set of records offered, whatever their order or how they were
/// split across workers and runs.
struct MinuteEvidence {
  std::vector<Evidence> kept;  ///< best first: `firsts` actors' first records, then repeats
  uint64_t offered = 0;        ///< matching records of the minute, kept or not
  size_t firsts = 0;           ///< set by SelectEvidence (not saved)
  uint64_t omitted() const { return offered - kept.size(); }
};

/// One metric series (a metric and one set of dimension values): minute
/// buckets keyed by minute number (Unix seconds / 60), and evidence per minute.
struct Series {
  std::map<int64_t, Bucket> minutes;
  std::map<int64_t, MinuteEvidence> evidence;
  static constexpr size_t kMaxEvidencePerMinute = 50;

  void AddEvidence(const Evidence& e);
  void Merge(Series&& other);
};

/// Orders `m->kept` best first and keeps the best kMaxEvidencePerMinute: the
/// earliest record of each actor (earliest first), then the others.
void SelectEvidence(MinuteEvidence* m);

enum class State { kInsufficientData, kOk, kAlarm };
const char* StateName(State s);

/// Spec 8.4: the state after one evaluation. `range` is the evaluation range,
/// oldest first: true = breaching, false = not breaching, nullopt = missing.
State Decide(std::span<const std::optional<bool>> range, int n, int m, TreatMissing treat,
             State current);

/// How windows are placed (spec 8.3).
enum class WindowMode { kSliding, kWallClock };

/// An alarm episode on one series.
struct Episode {
  UnixSeconds start = 0;
  std::optional<UnixSeconds> end;  ///< nullopt: still in ALARM at the end of the data
  double peak = 0;                 ///< the most extreme breaching datapoint
  /// The breaching windows of the episode, merged: [begin, end) in seconds.
  std::vector<std::pair<UnixSeconds, UnixSeconds>> windows;
};

/// Evaluates `alarm` on `series` at every evaluation instant of
/// [data_start, data_end] and returns its ALARM episodes.
std::vector<Episode> Evaluate(const Series& series, const MetricAlarm& alarm,
                              UnixSeconds data_start, UnixSeconds data_end, WindowMode mode);

/// The statistic over the buckets of [begin, end), or nullopt if none.
std::optional<double> Datapoint(const Series& series, UnixSeconds begin, UnixSeconds end,
                                const Statistic& statistic);

/// True if `value` breaches `threshold` under `comparison` (spec 8.6).
bool Breaches(double value, Comparison comparison, double threshold);

}  // namespace trailwatch::alarm
