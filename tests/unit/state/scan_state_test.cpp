// The --state file: what is saved is what is loaded (floats, evidence,
// hostile strings included), pruning, and episode overlap.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "state/scan_state.h"

namespace trailwatch::pipeline {
namespace {

std::string TempPath() {
  char path[] = "/tmp/tw-state-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::remove(path);
  return path;
}

TEST_CASE("state: save then load gives the same state") {
  ScanState s;
  s.rules_fingerprint = "0123456789abcdef";
  s.files["/logs/a \"b\"\n.json.gz"] = {1234, 1795765236187319080};
  s.reported[EpisodeKey("Brute\x1b[2J", {{"UserAgent", "evil\"\n"}})] = {{100, 400}, {1000, 1060}};
  s.data.first = 60;
  s.data.last = 1799;
  alarm::Series& series = s.data.series[SeriesId{"NS", "M", {{"Dim", "v\x01"}}}];
  series.minutes[1].Add(0.1, true);
  series.minutes[1].Add(1e300, true);
  series.minutes[29].Add(-2.5, false);
  series.AddEvidence({65, "id-1", "arn:aws:iam::1:user/x", "203.0.113.1", R"({"eventTime":"..."})"});
  series.AddEvidence({1750, "id-2", "", "", ""});
  s.data.series[SeriesId{"NS", "Plain", {}}].minutes[3].Add(1, false);

  const std::string path = TempPath();
  REQUIRE(SaveState(path, s).ok());
  ScanState loaded;
  REQUIRE(LoadState(path, &loaded).ok());
  CHECK(loaded.rules_fingerprint == s.rules_fingerprint);
  CHECK(loaded.files.size() == 1);
  CHECK(loaded.files.begin()->first == s.files.begin()->first);
  CHECK(loaded.files.begin()->second.mtime_ns == 1795765236187319080);
  REQUIRE(loaded.reported.size() == 1);
  CHECK(loaded.reported.begin()->first == s.reported.begin()->first);
  CHECK(loaded.reported.begin()->second.size() == 2);
  CHECK(loaded.reported.begin()->second[1].end == 1060);
  CHECK(loaded.data.first == 60);
  CHECK(loaded.data.last == 1799);
  REQUIRE(loaded.data.series.size() == 2);
  const alarm::Series& l = loaded.data.series.at(SeriesId{"NS", "M", {{"Dim", "v\x01"}}});
  const alarm::Bucket& b = l.minutes.at(1);
  CHECK(b.sum == s.data.series.begin()->second.minutes.at(1).sum);  // bit for bit (%.17g)
  CHECK(b.count == 2);
  CHECK(b.min == 0.1);
  CHECK(b.max == 1e300);
  CHECK(b.values.size() == 2);
  CHECK(l.minutes.at(29).min == -2.5);
  CHECK(l.evidence.at(1).at(0).event_id == "id-1");
  CHECK(l.evidence.at(1).at(0).raw_json == R"({"eventTime":"..."})");
  CHECK(l.evidence.at(29).at(0).time == 1750);
  std::remove(path.c_str());
}

TEST_CASE("state: a missing file is a first run; a foreign or newer file is refused") {
  ScanState s;
  CHECK(LoadState("/nonexistent/tw-state", &s).ok());
  CHECK(s.files.empty());
  const std::string path = TempPath();
  for (const char* text : {"hello\n", "[\"trailwatch-state\",2]\n", "[\"trailwatch-state\",1]\n[\"bogus\"]\n",
                           "[\"trailwatch-state\",1]\n[\"series\",\"a\",\"b\",7]\n"}) {
    CAPTURE(text);
    std::ofstream(path) << text;
    ScanState t;
    const Status st = LoadState(path, &t);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find("not a trailwatch state file") != std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("state: prune drops old minutes, evidence, series and ended episodes") {
  ScanState s;
  alarm::Series& old = s.data.series[SeriesId{"NS", "Old", {}}];
  old.minutes[1].Add(1, false);
  alarm::Series& mixed = s.data.series[SeriesId{"NS", "Mixed", {}}];
  mixed.minutes[1].Add(1, false);
  mixed.minutes[100].Add(1, false);
  mixed.AddEvidence({70, "old", "", "", ""});
  mixed.AddEvidence({6010, "new", "", "", ""});
  s.reported["a"] = {{0, 100}, {5000, 7000}};
  s.reported["b"] = {{0, 100}};
  s.Prune(60 * 50, 1000);
  CHECK(s.data.series.size() == 1);
  CHECK(mixed.minutes.size() == 1);
  CHECK(mixed.evidence.size() == 1);
  CHECK(mixed.evidence.begin()->second[0].event_id == "new");
  CHECK(s.reported.size() == 1);
  CHECK(s.reported["a"].size() == 1);
}

TEST_CASE("state: episodes overlap when they share a moment") {
  const ReportedEpisode e{100, 200};
  CHECK(e.Overlaps({200, 300}));
  CHECK(e.Overlaps({0, 100}));
  CHECK(e.Overlaps({150, 150}));
  CHECK_FALSE(e.Overlaps({201, 300}));
  CHECK_FALSE(e.Overlaps({0, 99}));
}

TEST_CASE("state lock: a second holder is refused with a clear message") {
  const std::string path = TempPath();
  StateLock first, second;
  REQUIRE(first.Acquire(path).ok());
  const Status s = second.Acquire(path);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("another trailwatch run is using the state") != std::string::npos);
  std::remove((path + ".lock").c_str());
}

}  // namespace
}  // namespace trailwatch::pipeline
