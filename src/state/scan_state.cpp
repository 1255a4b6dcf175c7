// scan_state: the state file is JSON lines, one fact per line, so that it can
// be read back with simdjson and inspected with jq:
//   ["trailwatch-state", 2]                                  the header
//   ["rules", FINGERPRINT]
//   ["file", SHA256, KEY, SIZE, DELIVERED|null, DEV, INO, MTIME_NS, CTIME_NS]
//   ["seen", KEY128_HEX, EVENT_TIME, CONTENT64_HEX]          a matching record counted
//   ["reported", KEY, START, END]
//   ["span", FIRST, LAST]
//   ["series", NAMESPACE, NAME, [[DIM, VALUE], ...]]        then its minutes and evidence:
//   ["m", MINUTE, SUM, COUNT, MIN, MAX, [VALUE, N, ...]]
//   ["ev", MINUTE, OFFERED]                                  matching records of the minute
//   ["e", TIME, EVENT_ID, PRINCIPAL, SOURCE_IP, EVENT_NAME, ERROR, RAW_JSON_OR_EMPTY]
//   ["end", LINES, SHA256]                                   the trailer
// The trailer counts the lines before it and holds the SHA-256 of their bytes:
// an empty, truncated or damaged file is refused, never read as a first run.
// Numbers that JSON cannot hold (an overflowed sum) are written "inf", "-inf"
// or "nan".
#include "state/scan_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "state/scan_files.h"
#include "trailwatch/escape.h"

namespace trailwatch::pipeline {
namespace {

constexpr int kVersion = 2;
std::string Num(double v) {
  if (std::isnan(v)) return "\"nan\"";
  if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
  return fmt::format("{:.17g}", v);
}

std::string Hex(const RecordKey& k) { return fmt::format("{:02x}", fmt::join(k, "")); }

Status Errno(std::string_view what, const std::string& path) {
  return Status::IoError(fmt::format("{}: {}{}", TerminalSafe(path), what, std::strerror(errno)));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

std::string Serialize(const ScanState& state) {
  std::string out = fmt::format("[\"trailwatch-state\",{}]\n", kVersion);
  out += fmt::format("[\"rules\",{}]\n", JsonQuoted(state.rules_fingerprint));
  for (const auto& [sha, f] : state.files) {
    out += fmt::format("[\"file\",\"{}\",{},{},{},{},{},{},{}]\n", sha, JsonQuoted(f.key), f.size,
                       f.delivered ? fmt::format("{}", *f.delivered) : "null", f.dev, f.ino, f.mtime_ns, f.ctime_ns);
  }
  std::map<RecordKey, CountedRecord> counted(state.counted.begin(), state.counted.end());  // stable order
  for (const auto& [key, c] : counted) {
    out += fmt::format("[\"seen\",\"{}\",{},\"{:016x}\"]\n", Hex(key), c.time, c.content);
  }
  for (const auto& [key, episodes] : state.reported) {
    for (const ReportedEpisode& e : episodes) {
      out += fmt::format("[\"reported\",{},{},{}]\n", JsonQuoted(key), e.start, e.end);
    }
  }
  if (!state.data.empty()) out += fmt::format("[\"span\",{},{}]\n", state.data.first, state.data.last);
  for (const auto& [id, series] : state.data.series) {
    out += fmt::format("[\"series\",{},{},[", JsonQuoted(id.metric_namespace), JsonQuoted(id.metric_name));
    for (size_t i = 0; i < id.dimensions.size(); ++i) {
      out += fmt::format("{}[{},{}]", i ? "," : "", JsonQuoted(id.dimensions[i].first),
                         JsonQuoted(id.dimensions[i].second));
    }
    out += "]]\n";
    for (const auto& [minute, b] : series.minutes) {
      out += fmt::format("[\"m\",{},{},{},{},{},[", minute, Num(b.sum), b.count, Num(b.min), Num(b.max));
      bool first = true;
      for (const auto& [v, n] : b.values) {
        out += fmt::format("{}{},{}", first ? "" : ",", Num(v), n);
        first = false;
      }
      out += "]]\n";
    }
    for (const auto& [minute, ev] : series.evidence) {
      out += fmt::format("[\"ev\",{},{}]\n", minute, ev.offered);
      for (const alarm::Evidence& e : ev.kept) {
        out += fmt::format("[\"e\",{},{},{},{},{},{},{}]\n", e.time, JsonQuoted(e.event_id), JsonQuoted(e.principal),
                           JsonQuoted(e.source_ip), JsonQuoted(e.event_name), JsonQuoted(e.error),
                           JsonQuoted(e.raw_json));
      }
    }
  }
  return out;
}

std::string Folder(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Removes the temporary files (STATE.tmp.XXXXXX) that killed runs left.
// Called with the lock held, so no running trailwatch owns one.
void RemoveLeftovers(const std::string& state_path) {
  const std::string prefix = BaseName(state_path) + ".tmp.";
  DIR* d = ::opendir(Folder(state_path).c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name.size() == prefix.size() + 6 && name.starts_with(prefix)) ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

}  // namespace

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Status StateLock::Acquire(const std::string& state_path) {
  const std::string lock_path = state_path + ".lock";
  // Never through a symlink (a planted STATE.lock -> /etc/x would create or
  // open x), and only a regular file.
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd_ < 0) {
    if (errno == ELOOP) {
      return Status::IoError(fmt::format("{}: is a symbolic link; refusing to follow it (remove it)",
                                         TerminalSafe(lock_path)));
    }
    return Errno("", lock_path);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    return Status::IoError(fmt::format("{}: not a regular file; refusing to use it as a lock", TerminalSafe(lock_path)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      return Status::IoError(fmt::format("another trailwatch run is using the state {} (lock {}); "
                                         "try again when it has finished",
                                         TerminalSafe(state_path), TerminalSafe(lock_path)));
    }
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(lock_path), std::strerror(err)));
  }
  RemoveLeftovers(state_path);
  return Status::Ok();
}

std::string EpisodeKey(const std::string& alarm, const KeyValues& dims) {
  std::string key = JsonQuoted(alarm);
  for (const auto& [k, v] : dims) key += "," + JsonQuoted(k) + "=" + JsonQuoted(v);
  return key;
}

void ScanState::Prune(UnixSeconds data_before, UnixSeconds reported_before, UnixSeconds after) {
  const int64_t minute = data_before / 60, last_minute = after / 60;
  for (auto it = data.series.begin(); it != data.series.end();) {
    alarm::Series& s = it->second;
    s.minutes.erase(s.minutes.begin(), s.minutes.lower_bound(minute));
    s.minutes.erase(s.minutes.upper_bound(last_minute), s.minutes.end());
    s.evidence.erase(s.evidence.begin(), s.evidence.lower_bound(minute));
    s.evidence.erase(s.evidence.upper_bound(last_minute), s.evidence.end());
    it = s.minutes.empty() ? data.series.erase(it) : std::next(it);
  }
  data.last = std::min(data.last, after);
  std::erase_if(counted, [&](const auto& kv) { return kv.second.time < data_before || kv.second.time > after; });
  for (auto it = reported.begin(); it != reported.end();) {
    std::erase_if(it->second, [&](const ReportedEpisode& e) { return e.end < reported_before || e.start > after; });
    it = it->second.empty() ? reported.erase(it) : std::next(it);
  }
}

Status SaveState(const std::string& path, const ScanState& state) {
  std::string out = Serialize(state);
  const size_t lines = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
  out += fmt::format("[\"end\",{},\"{}\"]\n", lines, Sha256Hex(out));
  // A new file beside the state (mkstemp: O_CREAT|O_EXCL, so never through a
  // planted symlink), fsync, rename, fsync the folder: the old state survives
  // a crash or a full disk at any point, and the new one is complete once
  // renamed.
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return Errno("cannot create a temporary file: ", tmp);
  Status s = WriteAll(fd, out, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Errno("fsync: ", tmp);
  if (::close(fd) != 0 && s.ok()) s = Errno("close: ", tmp);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = Errno("", path);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (const int dfd = ::open(Folder(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace trailwatch::pipeline
