// ByteSource: reads a file, FIFO or stdin and inflates gzip with ISA-L (igzip),
// member by member, reporting corrupt, truncated or trailing data by byte offset.
#include "trailwatch/byte_source.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "trailwatch/escape.h"

namespace trailwatch {
namespace {

constexpr size_t kInputChunk = 256 * 1024;
constexpr size_t kMaxIsalChunk = size_t{1} << 30;  // ISA-L counts in uint32_t

const char* IsalError(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "checksum mismatch (CRC32 or length)";
    case ISAL_NEED_DICT: return "preset dictionary required";
    default: return "inflate error";
  }
}

}  // namespace

void PaddedBuffer::Reserve(size_t extra) {
  if (capacity_ - size_ >= extra && data_) return;
  size_t cap = std::max<size_t>(capacity_ * 2, 64 * 1024);
  while (cap - size_ < extra) cap *= 2;
  std::unique_ptr<char[]> fresh(new char[cap + kPadding]);  // no zero-fill: we write before reading
  if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
  data_ = std::move(fresh);
  capacity_ = cap;
}

void PaddedBuffer::Commit(size_t n) {
  size_ += n;
  // simdjson reads, but ignores, the padding; keep it initialized for valgrind.
  std::memset(data_.get() + size_, ' ', kPadding);
}

void PaddedBuffer::Consume(size_t n) {
  n = std::min(n, size_);
  std::memmove(data_.get(), data_.get() + n, size_ - n);
  size_ -= n;
}

std::string DisplayName(const InputFile& input) {
  return input.is_stdin ? std::string("<stdin>") : TerminalSafe(input.path);
}

ByteSource::Scratch::Scratch()
    : input(new unsigned char[kInputChunk]), inflate(std::make_unique<inflate_state>()) {}
ByteSource::Scratch::~Scratch() = default;

Result<std::unique_ptr<ByteSource>> ByteSource::Open(const InputFile& input, Scratch* scratch) {
  int fd = 0;
  bool owns = false;
  if (!input.is_stdin) {
    // Files found by a walk are opened non-blocking so that a FIFO swapped in
    // after the walk cannot hang the run; they must still be regular files.
    const int flags = O_RDONLY | O_CLOEXEC | (input.named ? 0 : O_NONBLOCK);
    fd = ::open(input.path.c_str(), flags);
    if (fd < 0) return Status::IoError(std::strerror(errno));
    owns = true;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) || (!input.named && !S_ISREG(st.st_mode))) {
      const int err = errno;
      ::close(fd);
      if (S_ISDIR(st.st_mode)) return Status::IoError("is a directory");
      return Status::IoError(err != 0 ? std::strerror(err) : "not a regular file");
    }
    if (!input.named) ::fcntl(fd, F_SETFL, O_RDONLY);
  }
  std::unique_ptr<ByteSource> src(new ByteSource(fd, owns, scratch));
  if (Status s = src->Sniff(); !s.ok()) return s;
  return src;
}

ByteSource::ByteSource(int fd, bool owns_fd, Scratch* scratch)
    : fd_(fd), owns_fd_(owns_fd), in_(scratch->input.get()), inflate_(scratch->inflate.get()) {}

ByteSource::~ByteSource() {
  if (owns_fd_) ::close(fd_);
}

Result<size_t> ByteSource::ReadRaw(char* dst, size_t max) {
  if (in_pos_ < in_len_) {  // bytes kept by Sniff
    const size_t n = std::min(max, in_len_ - in_pos_);
    std::memcpy(dst, in_ + in_pos_, n);
    in_pos_ += n;
    return n;
  }
  return ReadFd(dst, max);
}

Result<size_t> ByteSource::ReadFd(char* dst, size_t max) {
  if (raw_eof_) return size_t{0};
  for (;;) {
    const ssize_t n = ::read(fd_, dst, std::min(max, kMaxIsalChunk));
    if (n >= 0) {
      if (n == 0) raw_eof_ = true;
      raw_bytes_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) return Status::IoError(fmt::format("read error: {}", std::strerror(errno)));
  }
}

Status ByteSource::Sniff() {
  // Fill the first chunk (a pipe may deliver it in pieces).
  while (in_len_ < kInputChunk && !raw_eof_) {
    Result<size_t> n = ReadFd(reinterpret_cast<char*>(in_) + in_len_, kInputChunk - in_len_);
    if (!n.ok()) return n.status();
    in_len_ += n.value();
  }
  const unsigned char* p = in_;
  if (in_len_ >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    compression_ = Compression::kGzip;
    isal_inflate_init(inflate_);
    inflate_->crc_flag = ISAL_GZIP;
    inflate_->next_in = in_;
    inflate_->avail_in = static_cast<uint32_t>(in_len_);
    members_ = 1;
    return Status::Ok();
  }
  auto starts = [&](const char* magic, size_t n) {
    return in_len_ >= n && std::memcmp(p, magic, n) == 0;
  };
  if (starts("PK\x03\x04", 4)) return Status::Corrupt("zip archive: not supported (unzip it first)");
  if (starts("BZh", 3)) return Status::Corrupt("bzip2 data: not supported (decompress it first)");
  if (starts("\x28\xb5\x2f\xfd", 4)) return Status::Corrupt("zstd data: not supported (decompress it first)");
  if (starts("\xfd" "7zXZ", 5)) return Status::Corrupt("xz data: not supported (decompress it first)");
  return Status::Ok();
}

Status ByteSource::StartNextMember(bool* more) {
  inflate_state* st = inflate_;
  // Gather at least two bytes after the finished member.
  while (st->avail_in < 2 && !raw_eof_) {
    std::memmove(in_, st->next_in, st->avail_in);
    const size_t have = st->avail_in;
    Result<size_t> n = ReadFd(reinterpret_cast<char*>(in_) + have, kInputChunk - have);
    if (!n.ok()) return n.status();
    st->next_in = in_;
    st->avail_in = static_cast<uint32_t>(have + n.value());
  }
  const uint64_t offset = raw_bytes_ - st->avail_in;
  if (st->avail_in == 0) {
    *more = false;
    return Status::Ok();
  }
  if (st->avail_in >= 2 && st->next_in[0] == 0x1f && st->next_in[1] == 0x8b) {
    uint8_t* next_in = st->next_in;
    const uint32_t avail_in = st->avail_in;
    isal_inflate_reset(st);
    st->crc_flag = ISAL_GZIP;
    st->next_in = next_in;
    st->avail_in = avail_in;
    member_done_ = false;
    ++members_;
    *more = true;
    return Status::Ok();
  }
  return Status::Corrupt(fmt::format(
      "byte {}: trailing data after gzip member {} (not gzip; the file may have been altered)",
      offset, members_));
}

Status ByteSource::Inflate(char* dst, size_t max, size_t* produced_out) {
  inflate_state* st = inflate_;
  size_t& produced = *produced_out;
  produced = 0;
  while (produced < max) {
    if (member_done_) {
      bool more = false;
      if (Status s = StartNextMember(&more); !s.ok()) return s;
      if (!more) break;
    }
    if (st->avail_in == 0 && !raw_eof_) {
      Result<size_t> n = ReadFd(reinterpret_cast<char*>(in_), kInputChunk);
      if (!n.ok()) return n.status();
      st->next_in = in_;
      st->avail_in = static_cast<uint32_t>(n.value());
    }
    const size_t room = std::min(max - produced, kMaxIsalChunk);
    st->next_out = reinterpret_cast<uint8_t*>(dst + produced);
    st->avail_out = static_cast<uint32_t>(room);
    const uint32_t avail_in_before = st->avail_in;
    const int rc = isal_inflate(st);
    const size_t out = room - st->avail_out;
    produced += out;
    if (rc < 0) {
      return Status::Corrupt(fmt::format("byte {}: corrupt gzip data: {}",
                                         raw_bytes_ - st->avail_in, IsalError(rc)));
    }
    if (st->block_state == ISAL_BLOCK_FINISH) {
      member_done_ = true;
      continue;
    }
    if (out == 0 && st->avail_in == avail_in_before && st->avail_in == 0 && raw_eof_) {
      return Status::Corrupt(fmt::format(
          "byte {}: truncated gzip data (the stream ends inside member {})", raw_bytes_, members_));
    }
  }
  return Status::Ok();
}

Result<size_t> ByteSource::Read(PaddedBuffer& buf, size_t max) {
  if (failed_ || max == 0) return size_t{0};
  buf.Reserve(max);
  char* dst = buf.data() + buf.size();
  if (compression_ == Compression::kGzip) {
    size_t produced = 0;
    Status s = Inflate(dst, max, &produced);
    buf.Commit(produced);  // keep what was decoded before an error: the caller still reads it
    if (!s.ok()) {
      failed_ = true;
      return s;
    }
    return produced;
  }
  Result<size_t> n = ReadRaw(dst, max);
  if (!n.ok()) {
    failed_ = true;
    buf.Commit(0);
    return n.status();
  }
  buf.Commit(n.value());
  return n.value();
}

}  // namespace trailwatch
