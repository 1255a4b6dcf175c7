// style: color for people, plain bytes for pipes. Only trailwatch's own words
// are colored (the alarm name by its Severity tag, headings); text that comes
// from logs is escaped (escape.h) and never carries an escape sequence of its own.
#pragma once

#include <string>
#include <string_view>

namespace trailwatch::output {

enum class ColorMode { kAuto, kAlways, kNever };

/// Whether to color what goes to file descriptor `fd`: kAuto colors a
/// terminal unless NO_COLOR is set to a non-empty value (no-color.org);
/// --color always/never override both.
bool UseColor(ColorMode mode, int fd);

/// The SGR sequence for a Severity tag value ("critical", "high", "medium",
/// "low", any case), or "" for none or unknown.
std::string_view SeverityColor(std::string_view severity);

/// `text` wrapped in `sgr` and a reset when `on` and `sgr` is not empty.
std::string Paint(std::string_view text, std::string_view sgr, bool on);

inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kDim = "\x1b[2m";

}  // namespace trailwatch::output
