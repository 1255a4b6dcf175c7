// The --state file: what is saved is what is loaded (floats, infinities,
// evidence, hostile strings included); every damaged, truncated or empty file
// is refused with its name and line; pruning; episode overlap; the lock and
// the temporary file never follow a planted symlink; file keys.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include <catch2/catch.hpp>

#include "state/scan_files.h"
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

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A body with a valid trailer, as SaveState would write it.
std::string WithTrailer(const std::string& body) {
  const auto lines = std::count(body.begin(), body.end(), '\n');
  return body + "[\"end\"," + std::to_string(lines) + ",\"" + Sha256Hex(body) + "\"]\n";
}

ScanState Sample() {
  ScanState s;
  s.rules_fingerprint = "0123456789abcdef";
  s.files[std::string(64, 'a')] = {"AWSLogs/1/CloudTrail/x \"b\"\n.json.gz", 1234, 1795765236, 7, 99,
                                   1795765236187319080, 1795765236187319081};
  s.files[std::string(64, 'b')] = {"export.jsonl", 5, std::nullopt, 7, 100, 1, 2};
  s.counted[MakeRecordKey("id-1", "111122223333")] = {65, 0x0123456789abcdefULL};
  s.reported[EpisodeKey("Brute\x1b[2J", {{"UserAgent", "evil\"\n"}})] = {{100, 400}, {1000, 1060}};
  s.data.first = 60;
  s.data.last = 1799;
  alarm::Series& series = s.data.series[SeriesId{"NS", "M", {{"Dim", "v\x01"}}}];
  series.minutes[1].Add(0.1, true);
  series.minutes[1].Add(1e300, true);
  series.minutes[29].Add(-2.5, false);
  series.minutes[30].Add(1e308, false);
  series.minutes[30].Add(1e308, false);  // the sum overflows to infinity
  series.AddEvidence({65, "id-1", "arn:aws:iam::1:user/x", "203.0.113.1", R"({"eventTime":"..."})", "ConsoleLogin",
                      "Failed authentication"});
  series.AddEvidence({1750, "id-2", "", "", "", "", ""});
  s.data.series[SeriesId{"NS", "Plain", {}}].minutes[3].Add(1, false);
  return s;
}

TEST_CASE("state: save then load gives the same state") {
  const ScanState s = Sample();
  const std::string path = TempPath();
  REQUIRE(SaveState(path, s).ok());
  ScanState loaded;
  const Status st = LoadState(path, &loaded);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(loaded.rules_fingerprint == s.rules_fingerprint);
  REQUIRE(loaded.files.size() == 2);
  const FileEntry& f = loaded.files.at(std::string(64, 'a'));
  CHECK(f.key == s.files.at(std::string(64, 'a')).key);
  CHECK(f.size == 1234);
  CHECK(f.delivered == std::optional<UnixSeconds>(1795765236));
  CHECK(f.mtime_ns == 1795765236187319080);
  CHECK(f.ctime_ns == 1795765236187319081);
  CHECK(loaded.files.at(std::string(64, 'b')).delivered == std::nullopt);
  CHECK(loaded.counted == s.counted);
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
  CHECK(l.minutes.at(30).sum == std::numeric_limits<double>::infinity());  // not a state that cannot be read back
  CHECK(l.evidence.at(1).kept.at(0).event_id == "id-1");
  CHECK(l.evidence.at(1).kept.at(0).raw_json == R"({"eventTime":"..."})");
  CHECK(l.evidence.at(1).kept.at(0).event_name == "ConsoleLogin");
  CHECK(l.evidence.at(1).kept.at(0).error == "Failed authentication");
  CHECK(l.evidence.at(1).offered == 1);
  CHECK(l.evidence.at(29).kept.at(0).time == 1750);
  // Saved again, the same bytes: the file does not depend on hash-map order.
  const std::string again = TempPath();
  REQUIRE(SaveState(again, loaded).ok());
  CHECK(Slurp(again) == Slurp(path));
  std::remove(path.c_str());
  std::remove(again.c_str());
}

TEST_CASE("state: a missing file is a first run; foreign, empty, older files are refused") {
  ScanState s;
  CHECK(LoadState("/nonexistent/tw-state", &s).ok());
  CHECK(s.files.empty());
  const std::string path = TempPath();
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"hello\n", ":1: not a trailwatch state file"},
           {"", "is empty"},
           {"[\"trailwatch-state\",1]\n[\"rules\",\"x\"]\n", "format 1 (an older trailwatch)"},
           {"[\"trailwatch-state\",3]\n", "format 3, this trailwatch reads format 2"}}) {
    CAPTURE(text);
    Write(path, text);
    ScanState t;
    const Status st = LoadState(path, &t);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find(path) != std::string::npos);
    CHECK(st.message().find(why) != std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("state: every truncation and a changed byte are refused") {
  const std::string path = TempPath();
  REQUIRE(SaveState(path, Sample()).ok());
  const std::string good = Slurp(path);
  for (size_t n = 0; n < good.size(); ++n) {  // a crash or a full disk can leave any prefix
    Write(path, good.substr(0, n));
    ScanState t;
    const Status st = LoadState(path, &t);
    if (st.ok()) FAIL("a state cut at byte " << n << " was accepted");
  }
  for (size_t at = 30; at + 100 < good.size(); at += 37) {
    std::string bad = good;
    bad[at] = bad[at] == '1' ? '2' : '1';
    Write(path, bad);
    ScanState t;
    const Status st = LoadState(path, &t);
    CAPTURE(at);
    CHECK_FALSE(st.ok());
  }
  std::remove(path.c_str());
}

TEST_CASE("state: a malformed field names the file and line, never reads as 0") {
  const std::string path = TempPath();
  const std::string head = "[\"trailwatch-state\",2]\n[\"rules\",\"f\"]\n";
  const std::string series = "[\"series\",\"NS\",\"M\",[]]\n";
  for (const auto& [body, where] : std::vector<std::pair<std::string, std::string>>{
           {head + series + "[\"m\",\"1\",1,1,1,1,[]]\n", ":4: damaged state: \"m\": field 2 is not an integer"},
           {head + series + "[\"m\",1,1,-1,1,1,[]]\n", ":4: damaged state: \"m\": field 4 is not a count"},
           {head + series + "[\"m\",1,1,1,1,1]\n", ":4: damaged state: \"m\": 6 fields, expected 7"},
           {head + series + "[\"m\",1,1,1,1,1,[2]]\n", ":4: damaged state: \"m\": field 7 is not [value, count, ...]"},
           {head + "[\"m\",1,1,1,1,1,[]]\n", ":3: damaged state: \"m\": a minute outside a series"},
           {head + "[\"file\",\"xyz\",\"k\",1,null,1,1,1,1]\n", ":3: damaged state: \"file\": field 2 is not a SHA-256"},
           {head + "[\"seen\",\"00\",5,\"0000000000000000\"]\n", ":3: damaged state: \"seen\": field 2 is not a record key"},
           {head + "[\"seen\",\"" + std::string(32, '0') + "\",5,\"00\"]\n", ":3: damaged state: \"seen\": field 4 is not a content hash"},
           {head + "[\"reported\",\"k\",9,3]\n", ":3: damaged state: \"reported\": an episode that ends before it starts"},
           {head + series + "[\"e\",60,\"id\",\"p\",\"ip\",\"n\",\"err\"]\n", ":4: damaged state: \"e\": 7 fields"},
           {head + "[\"bogus\"]\n", ":3: damaged state: \"bogus\": unknown entry"},
           {head + "{}\n", ":3: damaged state: not a JSON array"},
           {"[\"trailwatch-state\",2]\n", ": damaged state: no rules line"}}) {
    CAPTURE(body);
    Write(path, WithTrailer(body));
    ScanState t;
    const Status st = LoadState(path, &t);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find(path + where) != std::string::npos);
    CHECK(st.message().find("move it away to start afresh") != std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("state: prune drops old minutes, evidence, counted records, series and ended episodes") {
  ScanState s;
  alarm::Series& old = s.data.series[SeriesId{"NS", "Old", {}}];
  old.minutes[1].Add(1, false);
  alarm::Series& mixed = s.data.series[SeriesId{"NS", "Mixed", {}}];
  mixed.minutes[1].Add(1, false);
  mixed.minutes[100].Add(1, false);
  mixed.AddEvidence({70, "old", "", "", "", "", ""});
  mixed.AddEvidence({6010, "new", "", "", "", "", ""});
  s.counted[MakeRecordKey("old", "")] = {70, 1};
  s.counted[MakeRecordKey("new", "")] = {6010, 2};
  s.reported["a"] = {{0, 100}, {5000, 7000}};
  s.reported["b"] = {{0, 100}};
  s.Prune(60 * 50, 1000);
  CHECK(s.data.series.size() == 1);
  CHECK(mixed.minutes.size() == 1);
  CHECK(mixed.evidence.size() == 1);
  CHECK(mixed.evidence.begin()->second.kept[0].event_id == "new");
  CHECK(s.counted.size() == 1);
  CHECK(s.counted.contains(MakeRecordKey("new", "")));
  CHECK(s.reported.size() == 1);
  CHECK(s.reported["a"].size() == 1);
  // Far in the future: not kept either.
  mixed.minutes[1000000].Add(1, false);
  mixed.AddEvidence({60000000, "future", "", "", "", "", ""});
  s.counted[MakeRecordKey("future", "")] = {60000000, 3};
  s.reported["a"].push_back({60000000, 60000060});
  s.data.last = 60000000;
  s.Prune(60 * 50, 1000, 100000);
  CHECK(mixed.minutes.size() == 1);
  CHECK(mixed.evidence.size() == 1);
  CHECK(s.counted.size() == 1);
  CHECK(s.reported["a"].size() == 1);
  CHECK(s.data.last == 100000);
}

TEST_CASE("state: record keys are (eventID, recipientAccountId), unambiguous") {
  CHECK(MakeRecordKey("ab", "c") != MakeRecordKey("a", "bc"));
  CHECK(MakeRecordKey("id", "111122223333") != MakeRecordKey("id", "444455556666"));
  CHECK(MakeRecordKey("id", "1") == MakeRecordKey("id", "1"));
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

TEST_CASE("state: planted symlinks are never followed; leftovers of killed runs are removed") {
  const std::string path = TempPath();
  const std::string victim = path + ".victim";
  Write(victim, "precious");
  REQUIRE(::symlink(victim.c_str(), (path + ".tmp").c_str()) == 0);
  REQUIRE(::symlink(victim.c_str(), (path + ".lock").c_str()) == 0);
  StateLock lock;
  const Status s = lock.Acquire(path);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("symbolic link") != std::string::npos);
  std::remove((path + ".lock").c_str());
  Write(path + ".tmp.Ab12Cd", "left by a killed run");
  REQUIRE(lock.Acquire(path).ok());
  CHECK(::access((path + ".tmp.Ab12Cd").c_str(), F_OK) != 0);
  REQUIRE(SaveState(path, Sample()).ok());
  CHECK(Slurp(victim) == "precious");
  struct stat st {};
  CHECK(::lstat((path + ".tmp").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  for (const std::string& p : {path, path + ".tmp", path + ".lock", victim}) std::remove(p.c_str());
}

TEST_CASE("file keys: from AWSLogs/ on, else below the folder scanned, else the name") {
  const std::vector<std::string> roots = {"/data/logs", "exports/"};
  auto key = [&](const std::string& path, bool named) { return FileKey(InputFile{path, false, named, {}}, roots); };
  CHECK(key("/mnt/x/AWSLogs/1/CloudTrail/us-east-1/a.json.gz", false) == "AWSLogs/1/CloudTrail/us-east-1/a.json.gz");
  CHECK(key("/b/AWSLogs/o-1/AWSLogs/2/a.json.gz", false) == "AWSLogs/2/a.json.gz");
  CHECK(key("/b/NotAWSLogs/a.json.gz", true) == "a.json.gz");
  CHECK(key("/data/logs/2026/a.jsonl", false) == "2026/a.jsonl");
  CHECK(key("exports/a.jsonl", false) == "a.jsonl");
  CHECK(key("/data/logs2/a.jsonl", false) == "a.jsonl");
  CHECK(key("/somewhere/a.jsonl", true) == "a.jsonl");
  CHECK(IsDeliveryKey("AWSLogs/1/a.json.gz"));
  CHECK_FALSE(IsDeliveryKey("2026/a.jsonl"));
}

}  // namespace
}  // namespace trailwatch::pipeline
