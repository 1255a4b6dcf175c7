// ByteSource: the decompressed bytes of one input (file, FIFO or stdin), gzip
// detected by its magic bytes and inflated with ISA-L; PaddedBuffer holds them
// with the padding simdjson needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "trailwatch/input.h"
#include "trailwatch/status.h"

struct inflate_state;

namespace trailwatch {

/// A growable byte buffer that always has kPadding readable bytes after its
/// end, as simdjson's padded_string_view requires. Not thread-safe.
class PaddedBuffer {
 public:
  static constexpr size_t kPadding = 64;

  PaddedBuffer() = default;
  PaddedBuffer(const PaddedBuffer&) = delete;
  PaddedBuffer& operator=(const PaddedBuffer&) = delete;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  /// Bytes that may be written at data() + size() before the next Reserve.
  size_t spare() const { return capacity_ - size_; }
  /// Allocated bytes from data() on, padding included.
  size_t allocated() const { return capacity_ + kPadding; }

  /// Ensures room for `extra` more bytes, keeping the contents.
  void Reserve(size_t extra);
  /// Marks `n` bytes written at data() + size() as content.
  void Commit(size_t n);
  /// Drops the first `n` bytes, moving the rest to the front.
  void Consume(size_t n);
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Reads one input and yields its content, decompressed if it is gzip
/// (several concatenated members included). Owns its file descriptor.
class ByteSource {
 public:
  enum class Compression { kNone, kGzip };

  /// Large buffers a worker reuses from one input to the next.
  struct Scratch {
    Scratch();
    ~Scratch();
    std::unique_ptr<unsigned char[]> input;  ///< raw (compressed) bytes
    std::unique_ptr<inflate_state> inflate;
  };

  /// Opens `input`. A path that is not a regular file (FIFO, device) is read
  /// as a stream only if it was named on the command line. `scratch` must
  /// outlive the ByteSource and serve one ByteSource at a time.
  static Result<std::unique_ptr<ByteSource>> Open(const InputFile& input, Scratch* scratch);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  /// Appends up to `max` bytes to `buf`. Returns the number appended, 0 at the
  /// end. On an error (corrupt or truncated gzip, read error) the bytes
  /// decoded before it are still appended and later calls return 0.
  Result<size_t> Read(PaddedBuffer& buf, size_t max);

  Compression compression() const { return compression_; }
  uint64_t raw_bytes() const { return raw_bytes_; }  ///< bytes read from the file so far
  /// gzip members started so far (verify rejects a log with more than one).
  uint64_t members() const { return members_; }

 private:
  ByteSource(int fd, bool owns_fd, Scratch* scratch);
  Status Sniff();
  Result<size_t> ReadRaw(char* dst, size_t max);  // sniffed bytes first, then the file
  Result<size_t> ReadFd(char* dst, size_t max);
  Status Inflate(char* dst, size_t max, size_t* produced);
  Status StartNextMember(bool* more);

  int fd_;
  bool owns_fd_;
  Compression compression_ = Compression::kNone;
  bool failed_ = false;
  bool raw_eof_ = false;
  uint64_t raw_bytes_ = 0;
  // Raw input not yet consumed: sniffed bytes, or compressed input for inflate.
  unsigned char* in_;
  size_t in_pos_ = 0, in_len_ = 0;
  inflate_state* inflate_ = nullptr;
  bool member_done_ = false;
  uint64_t members_ = 0;
};

/// Human name of an input for messages: its path, or "<stdin>".
std::string DisplayName(const InputFile& input);

}  // namespace trailwatch
