// style: the color decision (--color, NO_COLOR, a terminal) and severity colors.
#include "output/style.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace trailwatch::output {

bool UseColor(ColorMode mode, int fd) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

std::string_view SeverityColor(std::string_view severity) {
  std::string s(severity);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "critical") return "\x1b[1;31m";  // bold red
  if (s == "high") return "\x1b[31m";        // red
  if (s == "medium") return "\x1b[33m";      // yellow
  if (s == "low") return "\x1b[36m";         // cyan
  return {};
}

std::string Paint(std::string_view text, std::string_view sgr, bool on) {
  if (!on || sgr.empty()) return std::string(text);
  std::string out;
  out.reserve(sgr.size() + text.size() + 4);
  out.append(sgr).append(text).append("\x1b[0m");
  return out;
}

}  // namespace trailwatch::output
