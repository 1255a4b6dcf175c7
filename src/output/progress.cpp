// progress: the status line, drawn with \r and erased with ESC[K on stderr.
#include "output/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "output/write.h"

namespace trailwatch::output {
namespace {

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string Rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.1f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.0f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

size_t TerminalWidth() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

}  // namespace

Progress::Progress(bool enabled, uint64_t total_files, uint64_t total_bytes)
    : enabled_(enabled), total_files_(total_files), total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void Progress::Update(uint64_t files, uint64_t bytes, uint64_t records) {
  files_ = files;
  bytes_ = bytes;
  records_ = records;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double done = total_bytes_ > 0 ? std::min(1.0, static_cast<double>(bytes_) / static_cast<double>(total_bytes_))
                      : total_files_ > 0 ? static_cast<double>(files_) / static_cast<double>(total_files_)
                                         : 0.0;
  std::string eta = "--:--";
  if (done > 0.01 && elapsed > 0.5) {
    const int64_t left = std::llround(elapsed / done - elapsed);
    eta = left >= 3600 ? fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60)
                       : fmt::format("{}:{:02}", left / 60, left % 60);
  }
  const std::string info = fmt::format(
      " {:3.0f}% {}/{} files {}/{} {} rec/s ETA {}", done * 100, files_, total_files_, Bytes(bytes_),
      Bytes(total_bytes_), Rate(elapsed > 0 ? static_cast<double>(records_) / elapsed : 0), eta);
  const size_t width = TerminalWidth() - 1;
  std::string line = "\r";
  if (width > info.size() + 12) {
    const size_t bar = std::min<size_t>(30, width - info.size() - 2);
    const auto full = static_cast<size_t>(done * static_cast<double>(bar));
    line += '[';
    for (size_t i = 0; i < bar; ++i) line += i < full ? "\u2588" : "\u2591";  // █ ░
    line += ']';
  }
  line += info.substr(0, width);
  line += "\x1b[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
  SetStatusLineActive(true);
}

void Progress::Finish() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
  SetStatusLineActive(false);
}

}  // namespace trailwatch::output
