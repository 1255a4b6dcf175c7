// scan_files: file identity for --state (see scan_files.h). Hashing is done
// up front, in parallel, and only for files the stat shortcut does not
// recognize: in a cron run, the new files.
#include "state/scan_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <unordered_set>
#include <thread>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "output/write.h"
#include "trailwatch/escape.h"

namespace trailwatch::pipeline {
namespace {

constexpr UnixSeconds kClockSkew = 15 * 60;

std::string HexOf(const unsigned char* md, unsigned int len) { return fmt::format("{:02x}", fmt::join(md, md + len, "")); }

std::string Finish(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  return HexOf(md, len);
}

// True if a file delivered (by its S3 name) and modified before `before`
// cannot hold a record the state's timeline reaches.
bool OlderThan(std::optional<UnixSeconds> delivered, int64_t mtime_ns, UnixSeconds before) {
  return (!delivered || *delivered < before) && mtime_ns / 1000000000 < before;
}

std::string Short(const std::string& sha) { return sha.substr(0, 12) + "…"; }

// "2h05m", or "3d04h" for two days and more.
std::string Span(int64_t seconds) {
  if (seconds >= 2 * 86400) return fmt::format("{}d{:02}h", seconds / 86400, seconds % 86400 / 3600);
  return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return HexOf(md, len);
}

std::optional<FileStat> StatFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStat{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                  static_cast<uint64_t>(st.st_size), int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec,
                  int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec, S_ISREG(st.st_mode)};
}

std::string FileKey(const InputFile& f, const std::vector<std::string>& roots) {
  const std::string& p = f.path;
  for (size_t at = p.rfind("AWSLogs/"); at != std::string::npos; at = at == 0 ? std::string::npos : p.rfind("AWSLogs/", at - 1)) {
    if (at == 0 || p[at - 1] == '/') return p.substr(at);
  }
  if (!f.named) {
    const std::string* best = nullptr;
    for (const std::string& root : roots) {
      const bool inside = p.size() > root.size() && p.starts_with(root) && (root.ends_with('/') || p[root.size()] == '/');
      if (inside && (best == nullptr || root.size() > best->size())) best = &root;
    }
    if (best != nullptr) {
      std::string rel = p.substr(best->size());
      rel.erase(0, rel.find_first_not_of('/'));
      return rel;
    }
  }
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool IsDeliveryKey(std::string_view key) { return key.starts_with("AWSLogs/"); }

Result<FileHash> HashFile(const std::string& path, uint64_t size, uint64_t prefix) {
  // O_NONBLOCK: a file swapped for a FIFO since the walk cannot hang us.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::IoError(std::strerror(errno));
  EVP_MD_CTX* all = EVP_MD_CTX_new();
  EVP_MD_CTX* head = EVP_MD_CTX_new();
  EVP_DigestInit_ex(all, EVP_sha256(), nullptr);
  EVP_DigestInit_ex(head, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  int err = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : 0;
      break;
    }
    EVP_DigestUpdate(all, buf.data(), static_cast<size_t>(n));
    if (total < prefix) {
      EVP_DigestUpdate(head, buf.data(), static_cast<size_t>(std::min<uint64_t>(prefix - total, static_cast<uint64_t>(n))));
    }
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  FileHash h{Finish(all), prefix > 0 && total >= prefix ? Finish(head) : std::string()};
  EVP_MD_CTX_free(all);
  EVP_MD_CTX_free(head);
  if (err != 0) return Status::IoError(std::strerror(err));
  if (total != size) return Status::IoError(fmt::format("{} bytes read, {} expected (being written?)", total, size));
  return h;
}

std::vector<bool> StateFiles::Plan(const std::vector<InputFile>& inputs, const std::vector<std::string>& roots) {
  candidates_.assign(inputs.size(), Candidate{});
  for (size_t i = 0; i < inputs.size(); ++i) {
    candidates_[i].key = FileKey(inputs[i], roots);
    Decide(candidates_[i], inputs[i]);
  }
  HashAll(inputs);
  std::vector<bool> read(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Candidate& c = candidates_[i];
    if (c.hash) DecideHashed(c, inputs[i]);
    read[i] = c.verdict == Candidate::Verdict::kRead;
    known += c.verdict == Candidate::Verdict::kKnown;
    too_old += c.verdict == Candidate::Verdict::kTooOld;
    copies += c.verdict == Candidate::Verdict::kCopy;
  }
  return read;
}

// Before hashing: too old, recognized by stat, or to be hashed.
void StateFiles::Decide(Candidate& c, const InputFile& f) {
  c.path = f.path;
  c.delivered = f.delivered_at;
  if (f.is_stdin) return;
  const std::optional<FileStat> st = StatFile(f.path);
  if (!st || !st->regular) return;  // the reader reports it; a stream is never recorded
  c.st = *st;
  if (OlderThan(f.delivered_at, st->mtime_ns, old_before_)) {
    c.verdict = Candidate::Verdict::kTooOld;
    return;
  }
  c.hash = true;
}

void StateFiles::HashAll(const std::vector<InputFile>& inputs) {
  // The stat shortcut: an entry with this device, inode, size, mtime and ctime.
  std::map<std::pair<uint64_t, uint64_t>, const FileEntry*> by_inode;
  std::map<std::string, std::pair<const std::string*, const FileEntry*>> by_key;
  for (const auto& [sha, e] : state_->files) {
    by_inode[{e.dev, e.ino}] = &e;
    by_key[e.key] = {&sha, &e};
  }
  std::vector<size_t> todo;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    Candidate& c = candidates_[i];
    if (!c.hash) continue;
    const auto in = by_inode.find({c.st.dev, c.st.ino});
    if (in != by_inode.end() && in->second->size == c.st.size && in->second->mtime_ns == c.st.mtime_ns &&
        in->second->ctime_ns == c.st.ctime_ns) {
      c.hash = false;
      c.verdict = Candidate::Verdict::kKnown;
      continue;
    }
    if (const auto k = by_key.find(c.key); k != by_key.end()) {
      c.previous_sha = *k->second.first;
      c.previous = k->second.second;
    }
    todo.push_back(i);
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t t = next++; t < todo.size(); t = next++) {
      Candidate& c = candidates_[todo[t]];
      const uint64_t prefix = c.previous != nullptr && c.previous->size < c.st.size ? c.previous->size : 0;
      Result<FileHash> h = HashFile(inputs[todo[t]].path, c.st.size, prefix);
      if (h.ok()) {
        c.hashed = std::move(h).value();
      } else {
        c.error = std::string(h.status().message());
      }
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min(jobs_, todo.size());
  for (size_t i = 1; i < n; ++i) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

// After hashing, in input order: known content, a copy of an input before
// it, or new; a key seen before with other content is a log_changed.
void StateFiles::DecideHashed(Candidate& c, const InputFile& f) {
  if (!c.error.empty()) {  // read it anyway; the reader reports what is wrong
    spdlog::debug("{}: not hashed ({}); read, and read again next run", TerminalSafe(f.path), c.error);
    return;
  }
  if (const auto it = state_->files.find(c.hashed.sha); it != state_->files.end()) {
    // Same bytes (touched, re-copied, moved): remember where it is now.
    FileEntry& e = it->second;
    e.dev = c.st.dev;
    e.ino = c.st.ino;
    e.mtime_ns = c.st.mtime_ns;
    e.ctime_ns = c.st.ctime_ns;
    c.verdict = Candidate::Verdict::kKnown;
    return;
  }
  if (!run_shas_.insert(c.hashed.sha).second) {  // an input before it has these bytes
    c.verdict = Candidate::Verdict::kCopy;
    return;
  }
  c.recordable = true;
  if (c.previous == nullptr) return;
  if (!IsDeliveryKey(c.key) && !c.hashed.prefix_sha.empty() && c.hashed.prefix_sha == c.previous_sha) {
    spdlog::info("{}: grew since an earlier run read it; read again", TerminalSafe(f.path));
    return;
  }
  ++changed;
  output::Diagnostic(fmt::format(
      "log_changed: {}: its content changed since an earlier run read it ({} bytes, SHA-256 {}; now {} bytes, {}). "
      "A delivered CloudTrail log file never changes: this may be tampering. Its records are read again; those "
      "already counted are not counted twice",
      TerminalSafe(f.path), c.previous->size, Short(c.previous_sha), c.st.size, Short(c.hashed.sha)));
}

void StateFiles::Done(size_t i, const InputReport& report) {
  Candidate& c = candidates_[i];
  if (c.st.regular) arrivals_.push_back({c.delivered ? *c.delivered : c.st.mtime_ns / 1000000000, c.key,
                                         c.delivered.has_value()});
  if (!c.recordable) return;
  const bool cut = report.input_error || report.rejected_by_reason.contains("truncated record");
  if (cut || StatFile(c.path) != std::optional<FileStat>(c.st)) {
    ++not_recorded;
    spdlog::info("{}: {}; read again next run", TerminalSafe(c.path), cut ? "damaged or cut" : "changed while read");
    return;
  }
  if (c.previous != nullptr) state_->files.erase(c.previous_sha);  // the new content replaces it
  c.previous = nullptr;
  state_->files[c.hashed.sha] =
      FileEntry{c.key, c.st.size, c.delivered, c.st.dev, c.st.ino, c.st.mtime_ns, c.st.ctime_ns};
}

void StateFiles::Prune() {
  std::erase_if(state_->files, [&](const auto& kv) {
    return OlderThan(kv.second.delivered, kv.second.mtime_ns, old_before_);
  });
}

std::optional<std::string> StateFiles::StaleWarning(UnixSeconds now, int64_t stale_after) const {
  std::vector<Arrival> all = arrivals_;
  for (const auto& [sha, e] : state_->files) all.push_back({e.Arrival(), e.key, e.delivered.has_value()});
  const Arrival* newest = nullptr;
  for (const Arrival& a : all) {
    // A stamp or mtime after now (plus clock skew) is not believed: a file
    // named as delivered in 2099 must not keep this warning quiet.
    if (a.time > now + kClockSkew) continue;
    if (newest == nullptr || a.time > newest->time || (a.time == newest->time && a.key < newest->key)) newest = &a;
  }
  const std::string limit = "--stale-after " + Span(stale_after);
  if (newest == nullptr) {
    return fmt::format("no log file has arrived within the state's timeline: delivery may have stopped ({})", limit);
  }
  const int64_t ago = now - newest->time;
  if (ago <= stale_after) return std::nullopt;
  return fmt::format("no log file has arrived since {} ({} ago; the newest is {}, by its {}): delivery may "
                     "have stopped ({})",
                     FormatIsoTime(newest->time), Span(ago), TerminalSafe(newest->key),
                     newest->stamped ? "S3 delivery stamp" : "mtime", limit);
}

}  // namespace trailwatch::pipeline
