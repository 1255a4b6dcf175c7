// scan_state_load: reads a --state file (format in scan_state.cpp) strictly.
// The trailer is checked before anything is believed, then every line must
// have its exact fields with their types: a malformed field is an error that
// names the file and line, never a silent 0.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <simdjson.h>

#include "state/scan_files.h"
#include "state/scan_state.h"
#include "trailwatch/escape.h"

namespace trailwatch::pipeline {
namespace {

constexpr int64_t kVersion = 2;
constexpr std::string_view kAfresh =
    "; move it away to start afresh (the hits still in the logs are then reported again)";

Status ReadWhole(const std::string& path, std::string* out, bool* missing) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *missing = errno == ENOENT;
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(fmt::format("{}: not a regular file", TerminalSafe(path)));
  }
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(err)));
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

bool ParseHex(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  for (size_t i = 0; i < 2 * n; ++i) {
    const char c = hex[i];
    const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    out[i / 2] = static_cast<uint8_t>(i % 2 ? out[i / 2] | v : v << 4);
  }
  return true;
}

// One line's fields, read with their types; the first problem is kept.
class Fields {
 public:
  explicit Fields(simdjson::dom::array a) : a_(a) {}
  const std::string& error() const { return error_; }
  bool Arity(size_t n) {
    if (a_.size() != n) Fail(fmt::format("{} fields, expected {}", a_.size(), n));
    return error_.empty();
  }
  std::string Str(size_t i) {
    std::string_view s;
    if (a_.at(i).get_string().get(s)) Fail(fmt::format("field {} is not a string", i + 1));
    return std::string(s);
  }
  int64_t Int(size_t i) {
    int64_t v = 0;
    if (a_.at(i).get_int64().get(v)) Fail(fmt::format("field {} is not an integer", i + 1));
    return v;
  }
  uint64_t Count(size_t i) {
    uint64_t v = 0;
    if (a_.at(i).get_uint64().get(v)) Fail(fmt::format("field {} is not a count", i + 1));
    return v;
  }
  double Num(size_t i) {
    simdjson::dom::element e;
    if (a_.at(i).get(e)) {
      Fail(fmt::format("field {} is missing", i + 1));
      return 0;
    }
    return Number(e, i);
  }
  bool IsNull(size_t i) {
    simdjson::dom::element e;
    return !a_.at(i).get(e) && e.is_null();
  }
  double Number(simdjson::dom::element e, size_t i) {
    double v = 0;
    if (!e.get_double().get(v)) return v;
    std::string_view s;
    if (!e.get_string().get(s)) {
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    }
    Fail(fmt::format("field {} is not a number", i + 1));
    return 0;
  }
  simdjson::dom::array Arr(size_t i) {
    simdjson::dom::array v;
    if (a_.at(i).get_array().get(v)) Fail(fmt::format("field {} is not an array", i + 1));
    return v;
  }
  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

 private:
  simdjson::dom::array a_;
  std::string error_;
};

// The body's lines, one at a time, into the state.
class Reader {
 public:
  explicit Reader(ScanState* state) : state_(state) {}
  // Returns an empty string, or what is wrong with the line.
  std::string Line(std::string_view tag, Fields& f);
  std::string Finish();

 private:
  std::string Series(Fields& f);
  std::string Minute(Fields& f);
  std::string Evidence(std::string_view tag, Fields& f);
  ScanState* state_;
  alarm::Series* series_ = nullptr;
  bool rules_ = false;
};

std::string Reader::Line(std::string_view tag, Fields& f) {
  if (tag == "rules" && f.Arity(2)) {
    state_->rules_fingerprint = f.Str(1);
    rules_ = true;
  } else if (tag == "file" && f.Arity(9)) {
    const std::string sha = f.Str(1);
    uint8_t bytes[32] = {};
    if (f.error().empty() && !ParseHex(sha, bytes, sizeof bytes)) f.Fail("field 2 is not a SHA-256");
    FileEntry e{f.Str(2), f.Count(3), std::nullopt, f.Count(5), f.Count(6), f.Int(7), f.Int(8)};
    if (!f.IsNull(4)) e.delivered = f.Int(4);
    if (f.error().empty() && !state_->files.emplace(sha, std::move(e)).second) f.Fail("file listed twice");
  } else if (tag == "seen" && f.Arity(4)) {
    RecordKey key{};
    if (!ParseHex(f.Str(1), key.data(), key.size()) && f.error().empty()) f.Fail("field 2 is not a record key");
    const int64_t t = f.Int(2);
    uint8_t content[8] = {};
    if (!ParseHex(f.Str(3), content, sizeof content) && f.error().empty()) f.Fail("field 4 is not a content hash");
    uint64_t c = 0;
    for (const uint8_t b : content) c = c << 8 | b;
    if (f.error().empty()) state_->counted[key] = CountedRecord{t, c};
  } else if (tag == "reported" && f.Arity(4)) {
    const std::string key = f.Str(1);
    const ReportedEpisode e{f.Int(2), f.Int(3)};
    if (f.error().empty() && e.start > e.end) f.Fail("an episode that ends before it starts");
    if (f.error().empty()) state_->reported[key].push_back(e);
  } else if (tag == "span" && f.Arity(3)) {
    state_->data.first = f.Int(1);
    state_->data.last = f.Int(2);
    if (f.error().empty() && state_->data.first > state_->data.last) f.Fail("a span that ends before it starts");
  } else if (tag == "series") {
    return Series(f);
  } else if (tag == "m") {
    return Minute(f);
  } else if (tag == "ev" || tag == "e") {
    return Evidence(tag, f);
  } else if (f.error().empty()) {
    f.Fail(fmt::format("unknown entry \"{}\"", TerminalSafe(tag)));
  }
  return f.error();
}

std::string Reader::Series(Fields& f) {
  if (!f.Arity(4)) return f.error();
  SeriesId id{f.Str(1), f.Str(2), {}};
  for (simdjson::dom::element d : f.Arr(3)) {
    std::string_view k, v;
    if (d.at(0).get_string().get(k) || d.at(1).get_string().get(v)) return "a dimension is not [name, value]";
    id.dimensions.emplace_back(k, v);
  }
  if (!f.error().empty()) return f.error();
  if (state_->data.series.contains(id)) return "series listed twice";
  series_ = &state_->data.series[std::move(id)];
  return {};
}

std::string Reader::Minute(Fields& f) {
  if (series_ == nullptr) return "a minute outside a series";
  if (!f.Arity(7)) return f.error();
  alarm::Bucket b;
  const int64_t minute = f.Int(1);
  b.sum = f.Num(2);
  b.count = f.Count(3);
  b.min = f.Num(4);
  b.max = f.Num(5);
  const simdjson::dom::array values = f.Arr(6);
  if (!f.error().empty()) return f.error();
  if (values.size() % 2 != 0) return "field 7 is not [value, count, ...]";
  for (auto it = values.begin(); it != values.end(); ++it) {
    const double v = f.Number(*it, 6);  // NOLINT: the count follows (size checked even)
    uint64_t n = 0;
    if ((*++it).get_uint64().get(n)) return "field 7 is not [value, count, ...]";
    b.values[v] += n;
  }
  if (!f.error().empty()) return f.error();
  if (!series_->minutes.emplace(minute, std::move(b)).second) return "minute listed twice";
  return {};
}

std::string Reader::Evidence(std::string_view tag, Fields& f) {
  if (series_ == nullptr) return "evidence outside a series";
  if (tag == "ev") {  // ["ev", MINUTE, OFFERED]
    if (!f.Arity(3)) return f.error();
    const int64_t minute = f.Int(1);
    const uint64_t offered = f.Count(2);
    if (f.error().empty()) series_->evidence[minute].offered = offered;
    return f.error();
  }
  if (!f.Arity(8)) return f.error();
  alarm::Evidence e{f.Int(1), f.Str(2), f.Str(3), f.Str(4), f.Str(7), f.Str(5), f.Str(6)};
  if (!f.error().empty()) return f.error();
  const int64_t minute = e.time / 60;  // as AddEvidence files it
  series_->evidence[minute].kept.push_back(std::move(e));
  return {};
}

std::string Reader::Finish() {
  if (!rules_) return "no rules line";
  for (auto& [id, series] : state_->data.series) {
    for (auto& [minute, ev] : series.evidence) {
      if (ev.kept.size() > alarm::Series::kMaxEvidencePerMinute || ev.offered < ev.kept.size()) {
        return fmt::format("evidence of minute {} does not add up", minute);
      }
      alarm::SelectEvidence(&ev);  // the order AddEvidence relies on
    }
  }
  return {};
}

}  // namespace

Status LoadState(const std::string& path, ScanState* state) {
  std::string text;
  bool missing = false;
  if (Status s = ReadWhole(path, &text, &missing); !s.ok()) return missing ? Status::Ok() : s;  // missing: first run
  const std::string name = TerminalSafe(path);
  auto refuse = [&](std::string_view why) { return Status::Corrupt(fmt::format("{}: {}{}", name, why, kAfresh)); };
  if (text.empty()) return refuse("the state file is empty (a damaged state, not a first run)");
  simdjson::dom::parser parser;
  // The header first: a foreign file or another format is named as such.
  const std::string_view head(text.data(), std::min(text.find('\n'), text.size()));
  simdjson::dom::array a;
  std::string_view tag;
  int64_t version = 0;
  if (parser.parse(head.data(), head.size()).get(a) || a.at(0).get_string().get(tag) || tag != "trailwatch-state" ||
      a.at(1).get_int64().get(version)) {
    return Status::Corrupt(fmt::format("{}:1: not a trailwatch state file (no header){}", name, kAfresh));
  }
  if (version != kVersion) {
    return refuse(fmt::format("a state file of format {}{}, this trailwatch reads format {}", version,
                              version < kVersion ? " (an older trailwatch)" : "", kVersion));
  }
  // The trailer: ["end", LINES, SHA256] over everything before it.
  const size_t last_start = text.size() >= 2 ? text.rfind('\n', text.size() - 2) : std::string::npos;
  const std::string_view body(text.data(), last_start == std::string::npos ? 0 : last_start + 1);
  const std::string_view trailer = std::string_view(text).substr(body.size());
  int64_t lines = 0;
  std::string_view sum;
  if (text.back() != '\n' || body.empty() || parser.parse(trailer.data(), trailer.size()).get(a) ||
      a.at(0).get_string().get(tag) || tag != "end" || a.at(1).get_int64().get(lines) ||
      a.at(2).get_string().get(sum)) {
    return refuse("the state file is truncated (it does not end with its end line)");
  }
  const auto counted = static_cast<int64_t>(std::count(body.begin(), body.end(), '\n'));
  if (counted != lines) {
    return refuse(fmt::format("the state file is truncated or damaged ({} lines, its end line says {})", counted, lines));
  }
  if (Sha256Hex(body) != sum) return refuse("the state file is damaged (checksum mismatch)");
  Reader reader(state);
  size_t n = 1, begin = head.size() + 1;
  while (begin < body.size()) {
    const size_t end = body.find('\n', begin);
    const std::string_view line = body.substr(begin, end - begin);
    begin = end + 1;
    ++n;
    if (parser.parse(line.data(), line.size()).get(a) || a.size() == 0 || a.at(0).get_string().get(tag)) {
      return Status::Corrupt(fmt::format("{}:{}: damaged state: not a JSON array with a tag{}", name, n, kAfresh));
    }
    Fields f(a);
    if (std::string why = reader.Line(tag, f); !why.empty()) {
      return Status::Corrupt(fmt::format("{}:{}: damaged state: \"{}\": {}{}", name, n, TerminalSafe(tag), why, kAfresh));
    }
  }
  if (std::string why = reader.Finish(); !why.empty()) return refuse(fmt::format("damaged state: {}", why));
  return Status::Ok();
}

}  // namespace trailwatch::pipeline
