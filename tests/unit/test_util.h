// test_util: temporary folders, file writers (plain and gzip) and a sink that
// collects what RecordReader delivers, shared by the unit tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/record.h"

namespace trailwatch::test {

/// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `content` to path()/name (creating parent folders); returns the full path.
  std::string Write(const std::string& name, std::string_view content) const;

 private:
  std::string path_;
};

/// gzip-compresses `data` (one member) with zlib.
std::string Gzip(std::string_view data);

/// What one RecordReader::Read produced: each accepted record's eventTime and
/// compact JSON line, and the report.
struct ReadResult {
  std::vector<std::string> times;
  std::vector<std::string> lines;
  InputReport report;
  std::string AllMessages() const;
};

/// Reads one file (or "-" is not supported here) with default limits.
ReadResult ReadFile(const std::string& path, ReaderLimits limits = {});
/// Writes `content` to a temp file named `name` and reads it.
ReadResult ReadContent(std::string_view content, const std::string& name = "input.json");

/// A CloudTrail-looking record with the given eventTime and eventName.
std::string MakeRecord(std::string_view time, std::string_view name = "DescribeInstances");

}  // namespace trailwatch::test
