// Walker: expands command-line paths into the ordered list of log inputs.
// Folders are walked depth-first with sorted entries; symlinked folders are
// followed once (a (device, inode) set stops loops); digests are skipped.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "trailwatch/escape.h"
#include "trailwatch/input.h"

namespace trailwatch {
namespace {

// CloudTrail names a log file after the time it was written; its records are
// older. Delivery is usually within 5 to 15 minutes of eventTime but AWS does
// not bound it, so a file is skipped for --until only when it was delivered
// more than kLateDeliveryMargin after the bound. Records are never newer than
// the stamp, but the stamp has minute resolution and clocks drift, so --since
// keeps a kClockSkewMargin.
constexpr UnixSeconds kLateDeliveryMargin = 6 * 3600;
constexpr UnixSeconds kClockSkewMargin = 15 * 60;

bool IsDigestName(std::string_view name) {
  return name.find("_CloudTrail-Digest_") != std::string_view::npos;
}

std::string Join(const std::string& dir, std::string_view name) {
  if (!dir.empty() && dir.back() == '/') return dir + std::string(name);
  return dir + "/" + std::string(name);
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

class Walker {
 public:
  Walker(const TimeRange& range, WalkCounts* counts, std::vector<std::string>* errors)
      : range_(range), counts_(counts), errors_(errors) {}

  void AddPath(const std::string& path) {
    if (path == "-") {
      out_.push_back(InputFile{"-", true, true, std::nullopt});
      return;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      Error(path, std::strerror(errno));
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      WalkDir(path, st, /*in_digest=*/false);
    } else {
      AddFile(path, /*named=*/true);  // named files are read whatever their name or kind
    }
  }

  std::vector<InputFile> Take() { return std::move(out_); }

 private:
  void Error(std::string_view path, std::string_view what) {
    ++counts_->errors;
    errors_->push_back(fmt::format("{}: {}", TerminalSafe(path), what));
  }

  void AddFile(const std::string& path, bool named) {
    InputFile f{path, false, named, S3DeliveryTime(BaseName(path))};
    if (f.delivered_at && DeliveryOutsideRange(*f.delivered_at, range_)) {
      ++counts_->outside_time;
      return;
    }
    out_.push_back(std::move(f));
  }

  void WalkDir(const std::string& dir, const struct stat& st, bool in_digest) {
    if (!visited_.insert({st.st_dev, st.st_ino}).second) {
      Error(dir, "folder already visited (symlink loop or duplicate); skipped");
      return;
    }
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      Error(dir, std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    if (errno != 0) Error(dir, std::strerror(errno));
    ::closedir(d);
    std::sort(names.begin(), names.end());

    for (const std::string& name : names) {
      const std::string path = Join(dir, name);
      struct stat est {};
      if (::stat(path.c_str(), &est) != 0) {  // follows symlinks; a dangling one fails here
        Error(path, std::strerror(errno));
        continue;
      }
      if (S_ISDIR(est.st_mode)) {
        if (!WalkEntersFolder(name)) continue;  // .git, .cache: not log folders
        WalkDir(path, est, in_digest || IsDigestFolderName(name));
      } else if (!S_ISREG(est.st_mode)) {
        ++counts_->special_files;
      } else {
        switch (ClassifyWalkedFile(name, in_digest)) {
          case WalkedFile::kLog: AddFile(path, /*named=*/false); break;
          case WalkedFile::kDigest: ++counts_->digest_files; break;
          case WalkedFile::kOther: ++counts_->non_log_files; break;
        }
      }
    }
  }

  const TimeRange& range_;
  WalkCounts* counts_;
  std::vector<std::string>* errors_;
  std::vector<InputFile> out_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

bool ParseDigits(std::string_view s, int64_t* out) {
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool IsLogName(std::string_view name) {
  for (std::string_view ext : {".json", ".jsonl", ".ndjson", ".gz"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

bool WalkEntersFolder(std::string_view name) { return !name.empty() && name[0] != '.'; }

bool IsDigestFolderName(std::string_view name) { return name == "CloudTrail-Digest"; }

WalkedFile ClassifyWalkedFile(std::string_view name, bool in_digest_folder) {
  if (in_digest_folder || IsDigestName(name)) return WalkedFile::kDigest;
  if (name.empty() || name[0] == '.' || !IsLogName(name)) return WalkedFile::kOther;
  return WalkedFile::kLog;
}

std::optional<UnixSeconds> S3DeliveryTime(std::string_view name) {
  const size_t marker = name.find("_CloudTrail_");
  if (marker == std::string_view::npos) return std::nullopt;
  // The stamp is the token YYYYMMDDTHHmmZ between underscores after the region.
  for (size_t pos = name.find('_', marker + 12); pos != std::string_view::npos;
       pos = name.find('_', pos + 1)) {
    const std::string_view tok = name.substr(pos + 1, 14);
    if (tok.size() != 14 || tok[8] != 'T' || tok[13] != 'Z') continue;
    int64_t ymd = 0, hm = 0;
    if (!ParseDigits(tok.substr(0, 8), &ymd) || !ParseDigits(tok.substr(9, 4), &hm)) continue;
    const auto y = ymd / 10000, m = (ymd / 100) % 100, d = ymd % 100;
    const auto h = hm / 100, mi = hm % 100;
    if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23 || mi > 59) continue;
    return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400 +
           h * 3600 + mi * 60;
  }
  return std::nullopt;
}

bool DeliveryOutsideRange(UnixSeconds delivered_at, const TimeRange& range) {
  // Every record satisfies eventTime <= delivered_at + kClockSkewMargin.
  if (range.since && delivered_at + kClockSkewMargin < *range.since) return true;
  // Records are assumed to satisfy eventTime >= delivered_at - kLateDeliveryMargin.
  if (range.until && delivered_at - kLateDeliveryMargin > *range.until) return true;
  return false;
}

std::vector<InputFile> ExpandInputs(const std::vector<std::string>& paths, const TimeRange& range,
                                    WalkCounts* counts, std::vector<std::string>* errors) {
  Walker walker(range, counts, errors);
  for (const std::string& p : paths) walker.AddPath(p);
  return walker.Take();
}

}  // namespace trailwatch
