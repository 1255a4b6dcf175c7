// write: stdout with EPIPE handling, stderr diagnostics, and compact JSON lines
// made safe for a terminal (simdjson::minify, then escaping of controls).
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

// True if the text holds a C0 control or a 0xC2 lead byte (which starts the
// C1 controls U+0080..U+009F, among other characters); rare in CloudTrail.
// Runs on every emitted byte, so 16 bytes at a time where SSE2 exists.
bool MayNeedEscaping(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i max_control = _mm_set1_epi8(0x1F);
  const __m128i c1_lead = _mm_set1_epi8(static_cast<char>(0xC2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v);  // v <= 0x1F
    if (_mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(v, c1_lead))) != 0) return true;
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == 0xC2) return true;
  }
  return false;
}

// Escapes controls anywhere in compact JSON text. Inside strings this keeps
// the JSON valid; outside strings there are none in valid JSON.
void AppendEscapedControls(fmt::memory_buffer& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
      ++i;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0 &&
               static_cast<unsigned char>(s[i + 1]) >= 0x80) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(s[i + 1]));
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
      ++i;
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
  fmt::print(stderr, "trailwatch: {}\n", message);
}

void AppendJsonLine(fmt::memory_buffer& out, std::string_view raw) {
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);  // raw_json keeps the gap before ','
  const size_t at = out.size();
  if (!MayNeedEscaping(raw.data(), raw.size())) {
    // No newline, tab or control: the record is already one line. Printed as
    // it is, so S3 files (compact JSON) come out byte for byte.
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
  if (MayNeedEscaping(out.data() + at, n)) {
    const std::string compact(out.data() + at, n);
    out.resize(at);
    AppendEscapedControls(out, compact);
  }
  out.push_back('\n');
}

}  // namespace trailwatch::output
