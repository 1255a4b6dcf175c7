// Folder: walks a downloaded bucket for digests, logs and sidecars, and reads
// them on N threads with ByteSource (the same ISA-L gzip reader as `cat`).
#include "verify/folder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/byte_source.h"
#include "trailwatch/escape.h"
#include "trailwatch/input.h"

namespace trailwatch::verify {
namespace {

constexpr size_t kReadChunk = 256 * 1024;
constexpr size_t kMaxDigestBytes = size_t{64} << 20;  // a digest of ~300k log files
constexpr size_t kMaxSidecarBytes = 64 * 1024;

// Walks FOLDER as the readers' folder walk does (input/walker.cpp), so that
// every file `scan` would read is indexed as a log file to judge.
class Walk {
 public:
  explicit Walk(FolderIndex* index) : index_(index) {}

  void Dir(const std::string& rel, const struct stat& st, bool in_digest) {
    if (!visited_.insert({st.st_dev, st.st_ino}).second) {
      Error(rel, "folder already visited (symlink loop or duplicate); skipped");
      return;
    }
    const std::string path = rel.empty() ? index_->abs_root + "/" : index_->Abs(rel);
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) {
      Error(rel, std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (name[0] == '.') {
        ++index_->hidden;  // .git, .cache; readers skip them too
      } else {
        names.emplace_back(name);
      }
    }
    if (errno != 0) Error(rel, std::strerror(errno));
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string child = rel.empty() ? name : rel + "/" + name;
      struct stat est {};
      if (::stat(index_->Abs(child).c_str(), &est) != 0) {
        Error(child, std::strerror(errno));
      } else if (S_ISDIR(est.st_mode)) {
        if (WalkEntersFolder(name)) Dir(child, est, in_digest || IsDigestFolderName(name));
      } else if (!S_ISREG(est.st_mode)) {
        ++index_->other_files;
      } else {
        File(child, name, in_digest);
      }
    }
  }

 private:
  void File(const std::string& child, const std::string& name, bool in_digest) {
    const WalkedFile kind = ClassifyWalkedFile(name, in_digest);
    if (kind == WalkedFile::kLog) {
      index_->logs.push_back(child);  // read by scan and cat: judged, whatever its name
    } else if (name.ends_with(".json.gz.sig")) {
      index_->sidecars.insert(child);  // never a log: IsLogName is false for it
    } else if (name.ends_with(".json.gz") && name.find("_CloudTrail-Digest_") != std::string::npos) {
      index_->digests.push_back(child);  // kDigest, whatever folder it is in
    } else {
      ++index_->other_files;
    }
  }

  void Error(std::string_view rel, std::string_view what) {
    index_->errors.push_back(fmt::format("{}: {}", index_->Display(index_->Abs(rel)), what));
  }

  FolderIndex* index_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

// Reads one whole (decompressed) file into `buf`, up to `max` bytes.
Status ReadWhole(const std::string& path, ByteSource::Scratch* scratch, PaddedBuffer* buf, size_t max,
                 bool* trailing) {
  buf->Clear();
  Result<std::unique_ptr<ByteSource>> src = ByteSource::Open({path, false, false, std::nullopt}, scratch);
  if (!src.ok()) return src.status();
  for (;;) {
    Result<size_t> n = src.value()->Read(*buf, kReadChunk);
    *trailing = src.value()->members() > 1;
    if (!n.ok()) {
      if (n.status().message().find("trailing data") != std::string_view::npos) *trailing = true;
      return n.status();
    }
    if (n.value() == 0) return Status::Ok();
    if (buf->size() > max) return Status::TooLarge(fmt::format("larger than {} MiB", max >> 20));
  }
}

std::optional<std::string> ReadSidecarFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  std::string data(kMaxSidecarBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad() || !in.eof()) {
    *error = in.bad() || !in.is_open() ? std::strerror(errno) : "too large for a signature sidecar";
    return std::nullopt;
  }
  data.resize(static_cast<size_t>(in.gcount()));
  Result<std::string> sig = ParseSidecar(data);
  if (!sig.ok()) {
    *error = std::string(sig.status().message());
    return std::nullopt;
  }
  return std::move(sig).value();
}

}  // namespace

std::string FolderIndex::Display(std::string_view abs_path) const {
  if (abs_path.size() > abs_root.size() && abs_path.substr(0, abs_root.size()) == abs_root &&
      abs_path[abs_root.size()] == '/') {
    return display_root + std::string(abs_path.substr(abs_root.size()));
  }
  return std::string(abs_path);
}

Result<FolderIndex> IndexFolder(const std::string& folder) {
  FolderIndex index;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(folder, ec).lexically_normal();
  if (ec) return Status::IoError(fmt::format("{}: {}", TerminalSafe(folder), ec.message()));
  index.abs_root = abs.string();
  while (!index.abs_root.empty() && index.abs_root.back() == '/') index.abs_root.pop_back();
  index.display_root = folder;
  while (!index.display_root.empty() && index.display_root.back() == '/') index.display_root.pop_back();
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(folder), std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(fmt::format("{}: not a folder", TerminalSafe(folder)));
  Walk(&index).Dir("", st, /*in_digest=*/false);
  return index;
}

void ParallelFor(size_t tasks, size_t jobs, const std::function<void(size_t, size_t)>& fn) {
  jobs = std::max<size_t>(1, std::min(jobs, tasks));
  std::atomic<size_t> next{0};
  auto work = [&](size_t worker) {
    for (size_t t = next++; t < tasks; t = next++) fn(worker, t);
  };
  if (jobs == 1) {
    work(0);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (size_t w = 0; w < jobs; ++w) threads.emplace_back(work, w);
  for (std::thread& t : threads) t.join();
}

std::vector<LoadedDigest> LoadDigests(const FolderIndex& index, size_t jobs) {
  std::vector<LoadedDigest> out(index.digests.size());
  struct Worker {
    ByteSource::Scratch scratch;
    PaddedBuffer buf;
  };
  std::vector<Worker> workers(std::max<size_t>(1, std::min(jobs, out.size())));
  ParallelFor(out.size(), workers.size(), [&](size_t w, size_t i) {
    LoadedDigest& d = out[i];
    d.rel = index.digests[i];
    Worker& wk = workers[w];
    d.status = ReadWhole(index.Abs(d.rel), &wk.scratch, &wk.buf, kMaxDigestBytes, &d.trailing_data);
    if (!d.status.ok()) return;
    const std::string_view bytes(wk.buf.data(), wk.buf.size());
    d.sha256 = Sha256Hex(bytes);
    Result<Digest> parsed = ParseDigest(bytes);
    if (!parsed.ok()) {
      d.status = parsed.status();
      return;
    }
    d.digest = std::move(parsed).value();
    const std::string sidecar = d.rel + ".sig";
    if (index.sidecars.count(sidecar) > 0) d.sidecar = ReadSidecarFile(index.Abs(sidecar), &d.sidecar_error);
  });
  return out;
}

std::vector<LogHash> HashLogs(const std::vector<std::string>& abs_paths, size_t jobs) {
  std::vector<LogHash> out(abs_paths.size());
  struct Worker {
    ByteSource::Scratch scratch;
    PaddedBuffer buf;
    Sha256 sha;
  };
  std::vector<Worker> workers(std::max<size_t>(1, std::min(jobs, out.size())));
  ParallelFor(out.size(), workers.size(), [&](size_t w, size_t i) {
    Worker& wk = workers[w];
    LogHash& h = out[i];
    wk.sha.Reset();
    Result<std::unique_ptr<ByteSource>> src =
        ByteSource::Open({abs_paths[i], false, false, std::nullopt}, &wk.scratch);
    if (!src.ok()) {
      h.status = src.status();
      return;
    }
    for (;;) {
      wk.buf.Clear();
      Result<size_t> n = src.value()->Read(wk.buf, kReadChunk);
      wk.sha.Update(wk.buf.data(), wk.buf.size());  // what was decoded before an error too
      if (!n.ok()) {
        h.status = n.status();
        if (n.status().message().find("trailing data") != std::string_view::npos) h.trailing_data = true;
        break;
      }
      if (n.value() == 0) break;
    }
    h.members = src.value()->members();
    if (h.members > 1) h.trailing_data = true;
    h.sha256 = wk.sha.FinishHex();
  });
  return out;
}

Result<std::string> ParseSidecar(std::string_view content) {
  while (!content.empty() && std::strchr(" \t\r\n", content.front()) != nullptr && content.front() != '\0') {
    content.remove_prefix(1);
  }
  while (!content.empty() && std::strchr(" \t\r\n", content.back()) != nullptr && content.back() != '\0') {
    content.remove_suffix(1);
  }
  std::string hex(content);
  if (!content.empty() && content.front() == '{') {
    const simdjson::padded_string padded(content);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view sig;
    if (parser.parse(padded).get(doc)) return Status::Corrupt("invalid JSON");
    if (doc["Metadata"]["signature"].get_string().get(sig) && doc["signature"].get_string().get(sig)) {
      return Status::Corrupt("no Metadata.signature string");
    }
    hex = std::string(sig);
  }
  if (hex.empty() || !HexDecode(hex)) return Status::Corrupt("not a hex signature");
  return hex;
}

}  // namespace trailwatch::verify
