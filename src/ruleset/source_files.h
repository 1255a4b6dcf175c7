// source_files: where rule files come from: the disk, or memory (the
// built-in pack, tests, fuzzing), behind one interface, so that Terraform
// modules, file() and templatefile() read the same way from both. Paths are
// '/'-separated strings, joined lexically.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/status.h"

namespace trailwatch::ruleset {

class SourceFiles {
 public:
  virtual ~SourceFiles() = default;
  /// The bytes of the file at `path`, or why not.
  virtual Result<std::string> Read(const std::string& path) const = 0;
  /// The names of the regular files directly in the folder `dir` ("" is the
  /// current folder), in byte order; an error if it is not a folder.
  virtual Result<std::vector<std::string>> List(const std::string& dir) const = 0;
};

class DiskFiles : public SourceFiles {
 public:
  static constexpr uintmax_t kMaxFileBytes = uintmax_t{64} << 20;
  Result<std::string> Read(const std::string& path) const override;
  Result<std::vector<std::string>> List(const std::string& dir) const override;
};

class MemoryFiles : public SourceFiles {
 public:
  void Add(const std::string& path, std::string text) { files_[path] = std::move(text); }
  Result<std::string> Read(const std::string& path) const override;
  Result<std::vector<std::string>> List(const std::string& dir) const override;

 private:
  std::map<std::string, std::string, std::less<>> files_;
};

/// `dir` joined with the relative path `rel`: "." parts dropped, ".." parts
/// removing a part of `dir` where it has one; `dir` is kept as written
/// otherwise (so "./rules" stays "./rules/..."). An absolute `rel` replaces `dir`.
std::string JoinPath(std::string_view dir, std::string_view rel);
/// The folder part of a path ("" for a bare name).
std::string DirName(std::string_view path);
/// The last part of a path.
std::string BaseName(std::string_view path);

}  // namespace trailwatch::ruleset
