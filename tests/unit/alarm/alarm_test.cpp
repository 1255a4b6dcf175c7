// Tests for the alarm engine, written from spec section 8: the published
// M-of-N tables (8.5), statistics (8.2), windows (8.3), episodes, missing data.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "trailwatch/alarm.h"

using namespace trailwatch;         // NOLINT(google-build-using-namespace)
using namespace trailwatch::alarm;  // NOLINT(google-build-using-namespace)

namespace {

// "0 - X - X" -> the evaluation range, oldest first.
std::vector<std::optional<bool>> Range(std::string_view s) {
  std::vector<std::optional<bool>> r;
  for (char c : s) {
    if (c == '0') r.emplace_back(false);
    if (c == 'X') r.emplace_back(true);
    if (c == '-') r.emplace_back(std::nullopt);
  }
  return r;
}

struct TableRow {
  const char* datapoints;
  // results for missing, ignore, breaching, notBreaching; "keep" = current state
  const char* missing;
  const char* ignore;
  const char* breaching;
  const char* not_breaching;
};

State Expect(const char* s, State current) {
  const std::string v = s;
  if (v == "OK") return State::kOk;
  if (v == "ALARM") return State::kAlarm;
  if (v == "INSUFFICIENT_DATA") return State::kInsufficientData;
  return current;  // "keep"
}

void CheckTable(int n, int m, std::initializer_list<TableRow> rows) {
  for (const TableRow& row : rows) {
    for (State current : {State::kOk, State::kAlarm, State::kInsufficientData}) {
      const auto r = Range(row.datapoints);
      INFO(fmt::format("N={} M={} {} current={}", n, m, row.datapoints, StateName(current)));
      CHECK(Decide(r, n, m, TreatMissing::kMissing, current) == Expect(row.missing, current));
      CHECK(Decide(r, n, m, TreatMissing::kIgnore, current) == Expect(row.ignore, current));
      CHECK(Decide(r, n, m, TreatMissing::kBreaching, current) == Expect(row.breaching, current));
      CHECK(Decide(r, n, m, TreatMissing::kNotBreaching, current) == Expect(row.not_breaching, current));
    }
  }
}

MetricAlarm MakeAlarm(int64_t period, int n, int m, Comparison c, double threshold,
                      TreatMissing treat = TreatMissing::kMissing) {
  MetricAlarm a;
  a.name = "test";
  a.period = period;
  a.evaluation_periods = n;
  a.datapoints_to_alarm = m;
  a.comparison = c;
  a.threshold = threshold;
  a.treat_missing = treat;
  a.statistic.kind = Statistic::Kind::kSum;
  a.statistic.name = "Sum";
  return a;
}

const UnixSeconds kT0 = *ParseIsoTime("2026-11-20T10:00:00Z");

Series Events(std::initializer_list<const char*> times, double value = 1) {
  Series s;
  for (const char* t : times) s.minutes[*ParseIsoTime(t) / 60].Add(value, true);
  return s;
}

std::string Describe(const std::vector<Episode>& eps) {
  std::string out;
  for (const Episode& e : eps) {
    out += fmt::format("[{} {} peak={}]", FormatIsoTime(e.start), e.end ? FormatIsoTime(*e.end) : "-", e.peak);
  }
  return out;
}

}  // namespace

TEST_CASE("Spec 8.5: published table, N = 3, M = 3") {
  CheckTable(3, 3, {
                       {"0 - X - X", "OK", "OK", "OK", "OK"},
                       {"0 - - - -", "OK", "OK", "OK", "OK"},
                       {"- - - - -", "INSUFFICIENT_DATA", "keep", "ALARM", "OK"},
                       {"0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
                       {"- - X - -", "ALARM", "keep", "ALARM", "OK"},
                   });
}

TEST_CASE("Spec 8.5: published table, N = 3, M = 2") {
  CheckTable(3, 2, {
                       {"0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
                       {"0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"},
                       {"0 - X - -", "OK", "OK", "ALARM", "OK"},
                       {"- - - - 0", "OK", "OK", "ALARM", "OK"},
                       {"- - - X -", "ALARM", "keep", "ALARM", "OK"},
                   });
}

TEST_CASE("Spec 8.4: premature-alarm rule does not fire on fresh breaches") {
  // "does not go to ALARM on - - - - X or - - - X - with M = 3"
  for (const char* r : {"- - - - X", "- - - X -"}) {
    INFO(r);
    CHECK(Decide(Range(r), 3, 3, TreatMissing::kMissing, State::kInsufficientData) == State::kOk);
  }
  // A breach older than N slots is out of the rule.
  CHECK(Decide(Range("- X - - -"), 3, 3, TreatMissing::kMissing, State::kOk) == State::kOk);
}

TEST_CASE("Spec 8.4 case 1: the newest N real datapoints decide, older ones fill gaps") {
  CHECK(Decide(Range("X X - 0 -"), 3, 2, TreatMissing::kMissing, State::kOk) == State::kAlarm);
  CHECK(Decide(Range("X 0 0 0 X"), 3, 2, TreatMissing::kMissing, State::kOk) == State::kOk);
  CHECK(Decide(Range("- - X"), 1, 1, TreatMissing::kMissing, State::kOk) == State::kAlarm);
  CHECK(Decide(Range("X X 0"), 1, 1, TreatMissing::kBreaching, State::kAlarm) == State::kOk);
}

TEST_CASE("Spec 8.2: statistics over a window") {
  Series s;
  for (double v : {1.0, 2.0, 3.0, 4.0, 10.0}) s.minutes[kT0 / 60].Add(v, true);
  s.minutes[kT0 / 60 + 1].Add(5, true);
  auto stat = [&](Statistic::Kind k, double p = 0) {
    Statistic st;
    st.kind = k;
    st.percentile = p;
    return *Datapoint(s, kT0, kT0 + 120, st);
  };
  CHECK(stat(Statistic::Kind::kSum) == 25);
  CHECK(stat(Statistic::Kind::kSampleCount) == 6);
  CHECK(stat(Statistic::Kind::kAverage) == Approx(25.0 / 6));
  CHECK(stat(Statistic::Kind::kMinimum) == 1);
  CHECK(stat(Statistic::Kind::kMaximum) == 10);
  CHECK(stat(Statistic::Kind::kPercentile, 50) == 3);   // nearest rank: ceil(0.5*6) = 3rd
  CHECK(stat(Statistic::Kind::kPercentile, 100) == 10);
  CHECK(stat(Statistic::Kind::kPercentile, 0) == 1);
  Statistic sum;
  CHECK_FALSE(Datapoint(s, kT0 + 120, kT0 + 300, sum).has_value());  // empty window: missing, not 0
  Series negative;
  negative.minutes[0].Add(-1, true);
  Statistic p90;
  p90.kind = Statistic::Kind::kPercentile;
  p90.percentile = 90;
  CHECK_FALSE(Datapoint(negative, 0, 60, p90).has_value());  // percentiles need non-negative values
}

TEST_CASE("Comparison operators (spec 8.6)") {
  CHECK(Breaches(3, Comparison::kGreaterThanOrEqual, 3));
  CHECK_FALSE(Breaches(3, Comparison::kGreaterThan, 3));
  CHECK(Breaches(2, Comparison::kLessThan, 3));
  CHECK(Breaches(3, Comparison::kLessThanOrEqual, 3));
  CHECK_FALSE(Breaches(4, Comparison::kLessThanOrEqual, 3));
}

TEST_CASE("Sliding vs wall-clock: a burst straddling a 5-minute boundary (spec 8.3)") {
  // 4 failed logins: 2 before 10:00, 2 after. More than 3 in 5 minutes?
  const Series s = Events({"2026-11-20T09:58:30Z", "2026-11-20T09:59:50Z", "2026-11-20T10:00:10Z",
                           "2026-11-20T10:01:00Z"});
  const MetricAlarm a = MakeAlarm(300, 1, 1, Comparison::kGreaterThan, 3);
  const UnixSeconds start = kT0 - 3600, end = kT0 + 3600;
  const auto sliding = Evaluate(s, a, start, end, WindowMode::kSliding);
  // At 10:02 the window [09:57, 10:02) holds all 4: ALARM. At 10:04 the
  // newest window [09:59, 10:04) holds 3: OK. With N = 1 the evaluation range
  // is 3 windows (spec 8.4, 10), and when the newer windows are empty the most
  // recent *real* datapoint decides (case 1): at 10:07 that is [09:57, 10:02)
  // again, and at 10:12 [09:57, 10:02) once more, until the burst leaves the range.
  CHECK(Describe(sliding) ==
        "[2026-11-20T10:02:00Z 2026-11-20T10:04:00Z peak=4]"
        "[2026-11-20T10:07:00Z 2026-11-20T10:09:00Z peak=4]"
        "[2026-11-20T10:12:00Z 2026-11-20T10:14:00Z peak=4]");
  const auto wall = Evaluate(s, a, start, end, WindowMode::kWallClock);
  CHECK(wall.empty());  // [09:55, 10:00) holds 2, [10:00, 10:05) holds 2
}

TEST_CASE("One hit per episode, however many minutes the alarm stays in ALARM") {
  Series s;
  for (int i = 0; i < 30; ++i) s.minutes[kT0 / 60 + i].Add(5, false);  // 5 a minute for 30 minutes
  const MetricAlarm a = MakeAlarm(300, 1, 1, Comparison::kGreaterThan, 3);
  const auto eps = Evaluate(s, a, kT0, kT0 + 3600, WindowMode::kSliding);
  REQUIRE(eps.size() == 1);
  CHECK(FormatIsoTime(eps[0].start) == "2026-11-20T10:01:00Z");
  // The last bucket (10:29) leaves the 3-window (15-minute) range at 10:45;
  // until then the newest real datapoint still breaches.
  CHECK(FormatIsoTime(*eps[0].end) == "2026-11-20T10:45:00Z");
  CHECK(eps[0].peak == 25);
  REQUIRE(eps[0].windows.size() == 1);
  CHECK(eps[0].windows[0].first == kT0 - 240);               // [09:56, 10:01) at 10:01
  CHECK(eps[0].windows[0].second == kT0 + 34 * 60);          // [10:29, 10:34) at 10:44
}

TEST_CASE("Two bursts far apart are two episodes; the gap between them is skipped") {
  const Series s = Events({"2026-11-20T10:00:05Z", "2026-11-20T15:30:00Z"});
  const MetricAlarm a = MakeAlarm(60, 1, 1, Comparison::kGreaterThanOrEqual, 1);
  const auto eps = Evaluate(s, a, kT0, kT0 + 8 * 3600, WindowMode::kSliding);
  // Each stays in ALARM while its minute is in the 3-minute evaluation range.
  CHECK(Describe(eps) ==
        "[2026-11-20T10:01:00Z 2026-11-20T10:04:00Z peak=1][2026-11-20T15:31:00Z 2026-11-20T15:34:00Z peak=1]");
}

TEST_CASE("An alarm still in ALARM when the data ends has no end") {
  const Series s = Events({"2026-11-20T10:00:05Z"});
  const MetricAlarm a = MakeAlarm(300, 1, 1, Comparison::kGreaterThanOrEqual, 1, TreatMissing::kBreaching);
  const auto eps = Evaluate(s, a, kT0, kT0 + 3600, WindowMode::kSliding);
  REQUIRE(eps.size() == 1);
  CHECK_FALSE(eps[0].end.has_value());  // breaching missing data keeps it in ALARM to the end
}

TEST_CASE("M of N over several periods (spec 8.1, 8.4)") {
  // Breaching in 2 of 3 consecutive 5-minute windows raises a 2-of-3 alarm.
  const Series s = Events({"2026-11-20T10:00:10Z", "2026-11-20T10:00:20Z", "2026-11-20T10:10:10Z",
                           "2026-11-20T10:10:20Z"});
  const MetricAlarm two_of_three = MakeAlarm(300, 3, 2, Comparison::kGreaterThanOrEqual, 2);
  // At 10:10 the range is "- - - X -": the premature-alarm rule with M = 2
  // raises it already (spec 8.5, N=3 M=2, last row).
  const auto eps = Evaluate(s, two_of_three, kT0, kT0 + 3600, WindowMode::kWallClock);
  REQUIRE(eps.size() == 1);
  CHECK(FormatIsoTime(eps[0].start) == "2026-11-20T10:10:00Z");
  // 3 of 3: at 10:10 "- - - X -" is too fresh for M = 3; at 10:15 "- - X - X"
  // has its oldest breach 3 slots old: ALARM by the same rule.
  const MetricAlarm three_of_three = MakeAlarm(300, 3, 3, Comparison::kGreaterThanOrEqual, 2);
  const auto eps3 = Evaluate(s, three_of_three, kT0, kT0 + 3600, WindowMode::kWallClock);
  REQUIRE(eps3.size() == 1);
  CHECK(FormatIsoTime(eps3[0].start) == "2026-11-20T10:15:00Z");
  // With notBreaching the rule does not apply: the fills count as not breaching.
  const MetricAlarm strict = MakeAlarm(300, 3, 3, Comparison::kGreaterThanOrEqual, 2, TreatMissing::kNotBreaching);
  CHECK(Evaluate(s, strict, kT0, kT0 + 3600, WindowMode::kWallClock).empty());
}

TEST_CASE("LessThan alarms and notBreaching missing data") {
  // A heartbeat metric: fewer than 1 per 5 minutes is bad; missing data counts as bad.
  const Series s = Events({"2026-11-20T10:00:05Z", "2026-11-20T10:04:05Z", "2026-11-20T10:30:05Z"});
  const MetricAlarm a = MakeAlarm(300, 1, 1, Comparison::kLessThan, 1, TreatMissing::kBreaching);
  const auto eps = Evaluate(s, a, kT0, kT0 + 1800 + 60, WindowMode::kSliding);
  REQUIRE(eps.size() == 1);
  // Until 10:20 the window [10:00, 10:05) (2 beats, not breaching) is still the
  // newest real datapoint of the range; at 10:20 the range is empty and
  // missing data counts as breaching.
  CHECK(FormatIsoTime(eps[0].start) == "2026-11-20T10:20:00Z");
  CHECK(FormatIsoTime(*eps[0].end) == "2026-11-20T10:31:00Z");
}

namespace {

// Evidence (issue 13, item 8): the cap keeps every distinct actor before
// repeats, and what it keeps does not depend on arrival order or splits.
Evidence Login(int second, std::string id, std::string ip, std::string error) {
  return {1795687200 + second, std::move(id), "arn:aws:iam::1:root", std::move(ip), "", "ConsoleLogin",
          std::move(error)};
}

std::vector<std::string> Kept(const Series& s) {
  std::vector<std::string> ids;
  for (const auto& [minute, ev] : s.evidence) {
    for (const Evidence& e : ev.kept) ids.push_back(e.event_id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_CASE("Evidence: 60 decoys do not push out the one login that succeeded") {
  Series s;
  for (int i = 0; i < 60; ++i) s.AddEvidence(Login(std::min(i, 58), fmt::format("decoy-{:02}", i), "198.51.100.7", "Failed authentication"));
  s.AddEvidence(Login(59, "the-real-one", "203.0.113.99", ""));
  REQUIRE(s.evidence.size() == 1);
  const MinuteEvidence& m = s.evidence.begin()->second;
  CHECK(m.kept.size() == Series::kMaxEvidencePerMinute);
  CHECK(m.offered == 61);
  CHECK(m.omitted() == 11);
  const std::vector<std::string> ids = Kept(s);
  CHECK(std::count(ids.begin(), ids.end(), "the-real-one") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "decoy-48") == 1);  // the 48 earliest decoys fill the rest
  CHECK(std::count(ids.begin(), ids.end(), "decoy-49") == 0);
  // The same actor failing and succeeding is two actors: the error differs.
  Series t;
  for (int i = 0; i < 60; ++i) t.AddEvidence(Login(i % 59, fmt::format("d{:02}", i), "198.51.100.7", "Failed authentication"));
  t.AddEvidence(Login(59, "success", "198.51.100.7", ""));
  const std::vector<std::string> tids = Kept(t);
  CHECK(std::count(tids.begin(), tids.end(), "success") == 1);
}

TEST_CASE("Evidence: more distinct actors than places keeps the earliest actors") {
  Series s;
  for (int i = 0; i < 80; ++i) s.AddEvidence(Login(i % 60, fmt::format("a{:02}", i), fmt::format("10.0.0.{}", i), ""));
  const MinuteEvidence& m = s.evidence.begin()->second;
  CHECK(m.kept.size() == 50);
  CHECK(m.omitted() == 30);
}

TEST_CASE("Evidence: the kept records depend only on the records, not their order or split") {
  // A mix of actors and repeats across two minutes, shuffled and split into
  // parts (workers, --state runs) in many ways: always the same evidence.
  std::vector<Evidence> all;
  for (int i = 0; i < 130; ++i) {
    const std::string ip = i % 7 == 0 ? fmt::format("10.0.{}.1", i % 5) : "198.51.100.7";
    all.push_back(Login(i % 100, fmt::format("e{:03}", i), ip, i % 3 == 0 ? "" : "Failed authentication"));
  }
  Series whole;
  for (const Evidence& e : all) whole.AddEvidence(e);
  const std::vector<std::string> expected = Kept(whole);
  uint64_t seed = 42;
  auto next = [&] { return (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int round = 0; round < 200; ++round) {
    for (size_t i = all.size() - 1; i > 0; --i) std::swap(all[i], all[next() % (i + 1)]);
    const size_t parts = 1 + next() % 4;
    std::vector<Series> split(parts);
    for (const Evidence& e : all) split[next() % parts].AddEvidence(e);
    Series merged;
    for (Series& p : split) merged.Merge(std::move(p));
    CAPTURE(round);
    REQUIRE(Kept(merged) == expected);
    uint64_t offered = 0;
    for (const auto& [minute, ev] : merged.evidence) offered += ev.offered;
    REQUIRE(offered == all.size());
  }
}

}  // namespace
