// scan_state: the state file is JSON lines, one fact per line, so that it can
// be read back with simdjson and inspected with jq:
//   ["trailwatch-state", 1]
//   ["rules", FINGERPRINT]
//   ["file", PATH, SIZE, MTIME_NS]
//   ["reported", KEY, START, END]
//   ["span", FIRST, LAST]
//   ["series", NAMESPACE, NAME, [[DIM, VALUE], ...]]        then its minutes and evidence:
//   ["m", MINUTE, SUM, COUNT, MIN, MAX, [VALUE, N, ...]]
//   ["e", TIME, EVENT_ID, PRINCIPAL, SOURCE_IP, RAW_JSON_OR_EMPTY]
#include "state/scan_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/escape.h"

namespace trailwatch::pipeline {
namespace {

constexpr int kVersion = 1;

std::string Num(double v) { return fmt::format("{:.17g}", v); }

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Status StateLock::Acquire(const std::string& state_path) {
  const std::string lock_path = state_path + ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return Status::IoError(fmt::format("{}: {}", TerminalSafe(lock_path), std::strerror(errno)));
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
  return Status::Ok();
}

std::string EpisodeKey(const std::string& alarm, const KeyValues& dims) {
  std::string key = JsonQuoted(alarm);
  for (const auto& [k, v] : dims) key += "," + JsonQuoted(k) + "=" + JsonQuoted(v);
  return key;
}

void ScanState::Prune(UnixSeconds data_before, UnixSeconds reported_before) {
  const int64_t minute = data_before / 60;
  for (auto it = data.series.begin(); it != data.series.end();) {
    alarm::Series& s = it->second;
    s.minutes.erase(s.minutes.begin(), s.minutes.lower_bound(minute));
    s.evidence.erase(s.evidence.begin(), s.evidence.lower_bound(minute));
    it = s.minutes.empty() ? data.series.erase(it) : std::next(it);
  }
  for (auto it = reported.begin(); it != reported.end();) {
    std::erase_if(it->second, [&](const ReportedEpisode& e) { return e.end < reported_before; });
    it = it->second.empty() ? reported.erase(it) : std::next(it);
  }
}

Status SaveState(const std::string& path, const ScanState& state) {
  std::string out = fmt::format("[\"trailwatch-state\",{}]\n", kVersion);
  out += fmt::format("[\"rules\",{}]\n", JsonQuoted(state.rules_fingerprint));
  for (const auto& [file, stamp] : state.files) {
    out += fmt::format("[\"file\",{},{},{}]\n", JsonQuoted(file), stamp.size, stamp.mtime_ns);
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
    for (const auto& [minute, list] : series.evidence) {
      for (const alarm::Evidence& e : list) {
        out += fmt::format("[\"e\",{},{},{},{},{}]\n", e.time, JsonQuoted(e.event_id), JsonQuoted(e.principal),
                           JsonQuoted(e.source_ip), JsonQuoted(e.raw_json));
      }
    }
  }
  // Temporary file, fsync, rename, fsync the folder: the old state survives a
  // crash at any point, and the new one is complete once renamed.
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(fmt::format("{}: {}", TerminalSafe(tmp), std::strerror(errno)));
  Status s = WriteAll(fd, out, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IoError(fmt::format("{}: fsync: {}", TerminalSafe(tmp), std::strerror(errno)));
  ::close(fd);
  if (!s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Status LoadState(const std::string& path, ScanState* state) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::Ok();  // first run
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
  }
  simdjson::dom::parser parser;
  alarm::Series* series = nullptr;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    auto bad = [&](std::string_view why) {
      return Status::Corrupt(fmt::format("{}:{}: not a trailwatch state file ({}); move it away to start afresh",
                                         TerminalSafe(path), n, why));
    };
    simdjson::dom::array a;
    std::string_view tag;
    if (parser.parse(line).get(a) || a.at(0).get_string().get(tag)) return bad("not a JSON array");
    if (n == 1) {
      int64_t version = 0;
      if (tag != "trailwatch-state" || a.at(1).get_int64().get(version)) return bad("no header");
      if (version != kVersion) return bad(fmt::format("version {}, expected {}", version, kVersion));
      continue;
    }
    auto str = [&](size_t i) {
      std::string_view s;
      return a.at(i).get_string().get(s) ? std::string() : std::string(s);
    };
    auto i64 = [&](size_t i) {
      int64_t v = 0;
      return a.at(i).get_int64().get(v) ? int64_t{0} : v;
    };
    auto dbl = [&](size_t i) {
      double v = 0;
      return a.at(i).get_double().get(v) ? 0.0 : v;
    };
    if (tag == "rules") {
      state->rules_fingerprint = str(1);
    } else if (tag == "file") {
      state->files[str(1)] = {static_cast<uint64_t>(i64(2)), i64(3)};
    } else if (tag == "reported") {
      state->reported[str(1)].push_back({i64(2), i64(3)});
    } else if (tag == "span") {
      state->data.first = i64(1);
      state->data.last = i64(2);
    } else if (tag == "series") {
      SeriesId id{str(1), str(2), {}};
      simdjson::dom::array dims;
      if (a.at(3).get_array().get(dims)) return bad("series without dimensions");
      for (simdjson::dom::element d : dims) {
        std::string_view k, v;
        if (d.at(0).get_string().get(k) || d.at(1).get_string().get(v)) return bad("bad dimension");
        id.dimensions.emplace_back(k, v);
      }
      series = &state->data.series[std::move(id)];
    } else if (tag == "m" && series) {
      alarm::Bucket& b = series->minutes[i64(1)];
      b.sum = dbl(2);
      b.count = static_cast<uint64_t>(i64(3));
      b.min = dbl(4);
      b.max = dbl(5);
      simdjson::dom::array values;
      if (!a.at(6).get_array().get(values)) {
        for (size_t i = 0; i + 1 < values.size(); i += 2) {
          double v = 0;
          int64_t count = 0;
          if (values.at(i).get_double().get(v) || values.at(i + 1).get_int64().get(count)) return bad("bad values");
          b.values[v] = static_cast<uint64_t>(count);
        }
      }
    } else if (tag == "e" && series) {
      alarm::Evidence e{i64(1), str(2), str(3), str(4), str(5)};
      series->evidence[e.time / 60].push_back(std::move(e));
    } else {
      return bad(fmt::format("unknown entry \"{}\"", TerminalSafe(tag)));
    }
  }
  return Status::Ok();
}

}  // namespace trailwatch::pipeline
