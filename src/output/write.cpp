// write: stdout with EPIPE handling, stderr diagnostics, and compact JSON lines
// made safe for a terminal (simdjson::minify, then escaping of controls and
// deceptive characters).
#include "output/write.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/escape.h"

namespace trailwatch::output {
namespace {

// The offset of the first byte that is a C0 control or not ASCII (so may
// start a C1 control or a deceptive character), or n. Runs on every emitted
// byte, so 16 bytes at a time where SSE2 exists; CloudTrail is mostly ASCII.
size_t FirstSuspectByte(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i max_control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v);  // v <= 0x1F
    if (_mm_movemask_epi8(_mm_or_si128(control, v)) != 0) break;  // the high bit: not ASCII
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c >= 0x80) return i;
  }
  return n;
}

// The JSON escape for the character at s[i] ("\u0009", "\u202e"), or "" if it
// is printed as it is; `len` gets its length in bytes.
std::string EscapeAt(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  *len = 1;
  std::string escape;
  if (c < 0x20) {
    AppendJsonCodePoint(escape, c);
  } else if (c >= 0x80) {
    const size_t n = Utf8SequenceLength(s, i);  // the text was made valid UTF-8 when read
    if (n == 0) return escape;
    *len = n;
    const uint32_t cp = DecodeUtf8(s, i, n);
    if ((cp >= 0x80 && cp < 0xA0) || IsDeceptiveCodePoint(cp)) AppendJsonCodePoint(escape, cp);
  }
  return escape;
}

// True if the text holds a character EscapeAt escapes.
bool NeedsEscaping(std::string_view s) {
  size_t len = 1;
  for (size_t i = FirstSuspectByte(s.data(), s.size()); i < s.size(); i += len) {
    if (!EscapeAt(s, i, &len).empty()) return true;
  }
  return false;
}

// Escapes controls, C1 controls and deceptive characters anywhere in compact
// JSON text. Inside strings this keeps the JSON valid and its values the
// same; outside strings there are none in valid JSON.
void AppendEscaped(fmt::memory_buffer& out, std::string_view s) {
  size_t len = 1;
  for (size_t i = 0; i < s.size(); i += len) {
    const std::string escape = EscapeAt(s, i, &len);
    if (escape.empty()) {
      out.append(s.data() + i, s.data() + i + len);
    } else {
      out.append(escape.data(), escape.data() + escape.size());
    }
  }
}

}  // namespace

namespace {
std::atomic<bool> stdout_failed{false};
}  // namespace

bool StdoutFailed() { return stdout_failed.load(std::memory_order_relaxed); }

bool WriteStdout(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EPIPE && !stdout_failed.exchange(true)) {
        Diagnostic(fmt::format("error writing to stdout: {}", std::strerror(errno)));
      }
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {
std::atomic<bool> status_line_active{false};
}  // namespace

void SetStatusLineActive(bool active) { status_line_active.store(active, std::memory_order_relaxed); }

void Diagnostic(std::string_view message) {
  if (status_line_active.load(std::memory_order_relaxed)) std::fputs("\r\x1b[K", stderr);
  // Not fmt::print, which throws (and aborts the run) when stderr is full too;
  // a message that cannot be written is lost, the exit status still tells.
  const std::string line = fmt::format("trailwatch: {}\n", message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void AppendJsonLine(fmt::memory_buffer& out, std::string_view raw) {
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);  // raw_json keeps the gap before ','
  const size_t at = out.size();
  if (FirstSuspectByte(raw.data(), raw.size()) == raw.size() || !NeedsEscaping(raw)) {
    // No newline, tab, control or deceptive character: the record is already
    // one line. Printed as it is, so S3 files (compact JSON) come out byte
    // for byte.
    out.append(raw.data(), raw.data() + raw.size());
    out.push_back('\n');
    return;
  }
  out.resize(at + raw.size());  // no zero-fill: minify writes every byte it keeps
  size_t n = 0;
  if (simdjson::minify(raw.data(), raw.size(), out.data() + at, n) != simdjson::SUCCESS) {
    std::copy(raw.begin(), raw.end(), out.data() + at);
    n = raw.size();
  }
  out.resize(at + n);
  if (NeedsEscaping(std::string_view(out.data() + at, n))) {
    const std::string compact(out.data() + at, n);
    out.resize(at);
    AppendEscaped(out, compact);
  }
  out.push_back('\n');
}

}  // namespace trailwatch::output
