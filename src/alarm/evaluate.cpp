// Alarm evaluation, after CloudWatch (spec 8.3-8.5). An essay, since the rules
// are subtle:
//
// Datapoints. A datapoint is the statistic over the observations of one
// period-long window; a window without observations is *missing*, not zero.
// Observations are kept in one-minute buckets, so a window [b, e) is the
// buckets of minutes b/60 .. e/60-1.
//
// Instants. With sliding windows (the default) the alarm is evaluated at every
// whole minute t, over the N windows [t-kP, t-(k-1)P), k = N..1, ending at t
// (spec 8.3: "windows end exactly at each whole-minute evaluation instant").
// CloudWatch fetches more than N datapoints, the evaluation range: N+2 here
// (spec 10). Alarms with P*N over a day are evaluated hourly. With wall-clock
// windows the windows are aligned to multiples of P, and only completed
// periods count, so the range ends at floor(t/P)*P.
//
// States (spec 8.4). With at least N real datapoints in the range, the newest
// N real ones decide: ALARM if M of them breach. With none, TreatMissingData
// decides alone. In between, the shortfall is filled (breaching fills for
// "breaching", not-breaching fills otherwise), except for the premature-alarm
// rule reconstructed in spec 8.4, which reproduces all published cells.
//
// Gaps. Between bursts of data the range is often empty for hours; the state
// there depends only on TreatMissingData, so the evaluator jumps from the
// first empty instant to the first instant whose range holds data again.
#include <algorithm>
#include <cmath>
#include <limits>

#include "trailwatch/alarm.h"

namespace trailwatch::alarm {

void Bucket::Add(double v, bool keep_values) {
  if (count == 0) {
    min = max = v;
  } else {
    min = std::min(min, v);
    max = std::max(max, v);
  }
  sum += v;
  ++count;
  if (keep_values) ++values[v];
}

void Bucket::Merge(const Bucket& o) {
  if (o.count == 0) return;
  if (count == 0) {
    min = o.min;
    max = o.max;
  } else {
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
  sum += o.sum;
  count += o.count;
  for (const auto& [v, n] : o.values) values[v] += n;
}

void Series::Merge(Series&& o) {
  for (auto& [minute, bucket] : o.minutes) minutes[minute].Merge(bucket);
  for (auto& [minute, other] : o.evidence) {
    MinuteEvidence& mine = evidence[minute];
    mine.offered += other.offered;
    for (Evidence& e : other.kept) mine.kept.push_back(std::move(e));
    SelectEvidence(&mine);
  }
}

const char* StateName(State s) {
  switch (s) {
    case State::kInsufficientData: return "INSUFFICIENT_DATA";
    case State::kOk: return "OK";
    case State::kAlarm: return "ALARM";
  }
  return "?";
}

bool Breaches(double value, Comparison comparison, double threshold) {
  switch (comparison) {
    case Comparison::kGreaterThanOrEqual: return value >= threshold;
    case Comparison::kGreaterThan: return value > threshold;
    case Comparison::kLessThan: return value < threshold;
    case Comparison::kLessThanOrEqual: return value <= threshold;
  }
  return false;
}

State Decide(std::span<const std::optional<bool>> range, int n, int m, TreatMissing treat,
             State current) {
  const auto un = static_cast<size_t>(n);
  size_t real = 0, real_breaching = 0;
  for (const auto& d : range) {
    if (d) {
      ++real;
      if (*d) ++real_breaching;
    }
  }
  if (real >= un) {  // case 1: the newest N real datapoints decide
    size_t used = 0, breaching = 0;
    for (auto it = range.rbegin(); it != range.rend() && used < un; ++it) {
      if (!*it) continue;
      ++used;
      if (**it) ++breaching;
    }
    return breaching >= static_cast<size_t>(m) ? State::kAlarm : State::kOk;
  }
  if (real == 0) {  // case 2: no data at all
    switch (treat) {
      case TreatMissing::kMissing: return State::kInsufficientData;
      case TreatMissing::kIgnore: return current;
      case TreatMissing::kBreaching: return State::kAlarm;
      case TreatMissing::kNotBreaching: return State::kOk;
    }
  }
  // Case 3: 1..N-1 real datapoints. Premature-alarm rule (spec 8.4): every
  // real datapoint breaches, and the oldest breaching one is within the last N
  // slots and at least M slots old (the newest slot is 1).
  if (real_breaching == real &&
      (treat == TreatMissing::kMissing || treat == TreatMissing::kIgnore)) {
    size_t oldest_slot = 0;
    for (size_t i = 0; i < range.size(); ++i) {
      if (range[i] && *range[i]) {
        oldest_slot = range.size() - i;
        break;
      }
    }
    if (oldest_slot <= un && oldest_slot >= static_cast<size_t>(m)) {
      return treat == TreatMissing::kMissing ? State::kAlarm : current;
    }
  }
  const size_t fills = un - real;
  const size_t breaching = real_breaching + (treat == TreatMissing::kBreaching ? fills : 0);
  return breaching >= static_cast<size_t>(m) ? State::kAlarm : State::kOk;
}

std::optional<double> Datapoint(const Series& series, UnixSeconds begin, UnixSeconds end,
                                const Statistic& statistic) {
  Bucket total;
  const bool percentile = statistic.kind == Statistic::Kind::kPercentile;
  for (auto it = series.minutes.lower_bound(begin / 60);
       it != series.minutes.end() && it->first * 60 < end; ++it) {
    total.Merge(it->second);
  }
  if (total.count == 0) return std::nullopt;
  switch (statistic.kind) {
    case Statistic::Kind::kSum: return total.sum;
    case Statistic::Kind::kSampleCount: return static_cast<double>(total.count);
    case Statistic::Kind::kAverage: return total.sum / static_cast<double>(total.count);
    case Statistic::Kind::kMinimum: return total.min;
    case Statistic::Kind::kMaximum: return total.max;
    case Statistic::Kind::kPercentile: {
      (void)percentile;
      // Nearest rank (spec 10): the smallest value with at least p% of the
      // observations at or below it. Unavailable with negative values (spec 8.2).
      if (total.min < 0) return std::nullopt;
      const double rank = std::ceil(statistic.percentile / 100.0 * static_cast<double>(total.count));
      const auto want = static_cast<uint64_t>(std::max(1.0, rank));
      uint64_t seen = 0;
      for (const auto& [v, count] : total.values) {
        seen += count;
        if (seen >= want) return v;
      }
      return total.max;
    }
  }
  return std::nullopt;
}

std::vector<Episode> Evaluate(const Series& series, const MetricAlarm& alarm,
                              UnixSeconds data_start, UnixSeconds data_end, WindowMode mode) {
  std::vector<Episode> episodes;
  if (series.minutes.empty()) return episodes;
  const int64_t period = alarm.period;
  const int n = alarm.evaluation_periods;
  const int m = alarm.datapoints_to_alarm;
  const int range_size = n + 2;
  const int64_t step = period * n > 86400 ? 3600 : 60;  // multi-day alarms: hourly (spec 8.3)
  const bool higher_is_worse = alarm.comparison == Comparison::kGreaterThan ||
                               alarm.comparison == Comparison::kGreaterThanOrEqual;

  // The end of the newest window at instant t.
  auto range_end = [&](int64_t t) { return mode == WindowMode::kWallClock ? t - t % period : t; };
  auto first_instant = [&](int64_t from) { return (from / step + 1) * step; };

  State state = State::kInsufficientData;
  std::vector<std::optional<bool>> range(static_cast<size_t>(range_size));
  std::vector<std::optional<double>> values(static_cast<size_t>(range_size));
  const int64_t last = first_instant(std::max(data_end, (series.minutes.rbegin()->first + 1) * 60 - 1));
  int64_t t = first_instant(data_start);  // a --state evaluates only its retained timeline
  while (t <= last) {
    const int64_t end = range_end(t);
    const int64_t begin = end - static_cast<int64_t>(range_size) * period;
    bool any = false;
    for (int k = 0; k < range_size; ++k) {  // oldest first
      const int64_t wb = begin + k * period;
      values[static_cast<size_t>(k)] = Datapoint(series, wb, wb + period, alarm.statistic);
      range[static_cast<size_t>(k)] =
          values[static_cast<size_t>(k)]
              ? std::optional<bool>(Breaches(*values[static_cast<size_t>(k)], alarm.comparison, alarm.threshold))
              : std::nullopt;
      any |= values[static_cast<size_t>(k)].has_value();
    }
    const State next = Decide(range, n, m, alarm.treat_missing, state);
    if (next == State::kAlarm && state != State::kAlarm) {
      episodes.push_back(Episode{t, std::nullopt, higher_is_worse ? -HUGE_VAL : HUGE_VAL, {}});
    } else if (next != State::kAlarm && state == State::kAlarm) {
      episodes.back().end = t;
    }
    if (next == State::kAlarm) {
      // The breaching windows among the newest N (those that raise the alarm).
      Episode& ep = episodes.back();
      int used = 0;
      for (int k = range_size - 1; k >= 0 && used < n; --k) {
        const auto& v = values[static_cast<size_t>(k)];
        if (!v) continue;
        ++used;
        if (!*range[static_cast<size_t>(k)]) continue;
        ep.peak = higher_is_worse ? std::max(ep.peak, *v) : std::min(ep.peak, *v);
        const int64_t wb = begin + k * period;
        if (!ep.windows.empty() && wb <= ep.windows.back().second) {
          ep.windows.back().second = std::max(ep.windows.back().second, wb + period);
        } else {
          ep.windows.emplace_back(wb, wb + period);
        }
      }
      std::sort(ep.windows.begin(), ep.windows.end());
    }
    state = next;
    int64_t next_t = t + step;
    if (!any) {
      // An empty range keeps its state until data enters the range again:
      // jump to the first instant whose range holds the next bucket.
      auto it = series.minutes.lower_bound(end / 60);
      if (it == series.minutes.end()) break;
      next_t = std::max(next_t, first_instant(it->first * 60));
    }
    t = next_t;
  }
  // Merge overlapping windows and fix peaks of episodes with no real breach
  // (e.g. raised by TreatMissingData=breaching).
  for (Episode& ep : episodes) {
    std::vector<std::pair<UnixSeconds, UnixSeconds>> merged;
    for (const auto& w : ep.windows) {
      if (!merged.empty() && w.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, w.second);
      } else {
        merged.push_back(w);
      }
    }
    ep.windows = std::move(merged);
    if (std::isinf(ep.peak)) ep.peak = std::numeric_limits<double>::quiet_NaN();
  }
  return episodes;
}

}  // namespace trailwatch::alarm
