// Tests for the input walker: S3 layout, digests and non-log files skipped and
// counted, deterministic order, pruning by the S3 delivery stamp, loops.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"
#include "trailwatch/input.h"

using namespace trailwatch;  // NOLINT(google-build-using-namespace)
using trailwatch::test::TempDir;
using Catch::Matchers::Contains;

namespace {

const char* kAcct = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/";

std::vector<std::string> Names(const std::vector<InputFile>& files, const std::string& root) {
  std::vector<std::string> out;
  for (const InputFile& f : files) out.push_back(f.path.substr(root.size() + 1));
  return out;
}

}  // namespace

TEST_CASE("S3DeliveryTime reads the stamp of CloudTrail log file names") {
  REQUIRE(S3DeliveryTime("111122223333_CloudTrail_us-east-1_20261120T1015Z_abcDEF123.json.gz") ==
          *ParseIsoTime("2026-11-20T10:15:00Z"));
  REQUIRE(S3DeliveryTime("o-abc_111122223333_CloudTrail_eu-west-1_20200101T0000Z_x.json") ==
          *ParseIsoTime("2020-01-01T00:00:00Z"));
  REQUIRE_FALSE(S3DeliveryTime("811596193553_CloudTrail_us-east-1-20200930T2200.json"));  // no Z
  REQUIRE_FALSE(S3DeliveryTime("events.json.gz"));
  REQUIRE_FALSE(S3DeliveryTime("1_CloudTrail_r_20261320T1015Z_x.json.gz"));  // month 13
}

TEST_CASE("Delivery-time pruning keeps every file that could hold a record in range") {
  const UnixSeconds t = *ParseIsoTime("2026-11-20T10:00:00Z");
  TimeRange since{t, std::nullopt};
  REQUIRE(DeliveryOutsideRange(t - 3600, since));         // delivered an hour before: all older
  REQUIRE_FALSE(DeliveryOutsideRange(t - 60, since));     // inside the clock-skew margin
  REQUIRE_FALSE(DeliveryOutsideRange(t + 600, since));
  TimeRange until{std::nullopt, t};
  REQUIRE_FALSE(DeliveryOutsideRange(t + 3600, until));   // late delivery is possible
  REQUIRE(DeliveryOutsideRange(t + 7 * 3600, until));
}

TEST_CASE("Walking a folder: sorted, digests and non-log files skipped and counted") {
  TempDir dir;
  const std::string a = kAcct;
  dir.Write(a + "111122223333_CloudTrail_us-east-1_20261120T1010Z_b.json.gz", "x");
  dir.Write(a + "111122223333_CloudTrail_us-east-1_20261120T1005Z_a.json.gz", "x");
  dir.Write("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/"
            "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T101500Z.json.gz", "x");
  dir.Write("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/x.json.gz", "x");
  dir.Write("notes/README.md", "x");
  dir.Write("notes/.DS_Store", "x");
  dir.Write("extra/events.jsonl", "x");
  dir.Write("extra/export.ndjson", "x");
  dir.Write(".git/objects/foo.json", "x");  // hidden folders are not log folders
  REQUIRE(::mkfifo((dir.path() + "/extra/pipe.json").c_str(), 0600) == 0);

  WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<InputFile> files = ExpandInputs({dir.path()}, {}, &counts, &errors);
  REQUIRE(errors.empty());
  REQUIRE(Names(files, dir.path()) ==
          std::vector<std::string>{a + "111122223333_CloudTrail_us-east-1_20261120T1005Z_a.json.gz",
                                   a + "111122223333_CloudTrail_us-east-1_20261120T1010Z_b.json.gz",
                                   "extra/events.jsonl", "extra/export.ndjson"});
  REQUIRE(files[0].delivered_at == ParseIsoTime("2026-11-20T10:05:00Z"));
  REQUIRE_FALSE(files[0].named);
  REQUIRE(counts.digest_files == 2);
  REQUIRE(counts.non_log_files == 2);
  REQUIRE(counts.special_files == 1);
  REQUIRE(counts.errors == 0);
}

TEST_CASE("Named files are read whatever their name, - is stdin, missing paths are errors") {
  TempDir dir;
  const std::string odd = dir.Write("log.txt", "x");
  WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<InputFile> files =
      ExpandInputs({odd, "-", dir.path() + "/nope.json"}, {}, &counts, &errors);
  REQUIRE(files.size() == 2);
  REQUIRE(files[0].named);
  REQUIRE(files[1].is_stdin);
  REQUIRE(counts.errors == 1);
  REQUIRE_THAT(errors.at(0), Contains("nope.json: No such file or directory"));
}

TEST_CASE("Files delivered outside --since/--until are skipped by name, and counted") {
  TempDir dir;
  const std::string a = kAcct;
  dir.Write(a + "1_CloudTrail_us-east-1_20261120T0100Z_a.json.gz", "x");
  dir.Write(a + "1_CloudTrail_us-east-1_20261120T1000Z_b.json.gz", "x");
  dir.Write(a + "1_CloudTrail_us-east-1_20261120T2300Z_c.json.gz", "x");
  dir.Write(a + "unstamped.json.gz", "x");
  TimeRange range{ParseIsoTime("2026-11-20T09:00:00Z"), ParseIsoTime("2026-11-20T11:00:00Z")};
  WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<InputFile> files = ExpandInputs({dir.path()}, range, &counts, &errors);
  REQUIRE(Names(files, dir.path()) ==
          std::vector<std::string>{a + "1_CloudTrail_us-east-1_20261120T1000Z_b.json.gz",
                                   a + "unstamped.json.gz"});
  REQUIRE(counts.outside_time == 2);
}

TEST_CASE("A symlink loop is reported once and the walk ends") {
  TempDir dir;
  dir.Write("logs/a.json", "x");
  REQUIRE(::symlink("..", (dir.path() + "/logs/up").c_str()) == 0);
  WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<InputFile> files = ExpandInputs({dir.path()}, {}, &counts, &errors);
  REQUIRE(files.size() == 1);
  REQUIRE(counts.errors == 1);
  REQUIRE_THAT(errors.at(0), Contains("already visited"));
}

TEST_CASE("An unreadable folder is an error naming it and the rest is walked") {
  if (::geteuid() == 0) {
    WARN("skipped: running as root, permissions are not enforced");
    return;
  }
  TempDir dir;
  dir.Write("ok/a.json", "x");
  dir.Write("locked/b.json", "x");
  ::chmod((dir.path() + "/locked").c_str(), 0);
  WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<InputFile> files = ExpandInputs({dir.path()}, {}, &counts, &errors);
  ::chmod((dir.path() + "/locked").c_str(), 0755);
  REQUIRE(files.size() == 1);
  REQUIRE(counts.errors == 1);
  REQUIRE_THAT(errors.at(0), Contains("locked: Permission denied"));
}
