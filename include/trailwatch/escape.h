// Escaping for untrusted text: log fields and file names are attacker-controlled,
// so nothing reaches a terminal or a JSON line with raw control characters.
#pragma once

#include <string>
#include <string_view>

namespace trailwatch {

/// Appends `s` with every byte that a terminal could interpret made visible:
/// C0 controls and DEL as `\n`, `\t`, `\r` or `\xNN`, C1 controls
/// (UTF-8 U+0080..U+009F) as `\u{9b}`, and bytes that are not valid UTF-8 as
/// `\xNN`. A backslash becomes `\\` so the output is unambiguous.
void AppendTerminalSafe(std::string& out, std::string_view s);
std::string TerminalSafe(std::string_view s);

/// Appends `s` as the body of a JSON string (no quotes): `"` and `\` escaped,
/// controls and C1 as `\u00XX`, invalid UTF-8 bytes replaced by U+FFFD.
void AppendJsonEscaped(std::string& out, std::string_view s);

/// `s` as a JSON string literal, quotes included.
std::string JsonQuoted(std::string_view s);

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i);

/// Replaces, in place, every byte of `data[0, size)` that is not part of a
/// valid UTF-8 sequence by '?' (same length, so byte offsets stay true).
/// Returns the number of bytes replaced and the offset of the first one.
struct Utf8Repair {
  size_t replaced = 0;
  size_t first = 0;
};
Utf8Repair RepairUtf8(char* data, size_t size);

}  // namespace trailwatch
