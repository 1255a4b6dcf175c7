// Escaping for untrusted text: log fields and file names are attacker-controlled,
// so nothing reaches a terminal or a JSON line with raw control characters or
// characters that reorder or hide text, and no value passes for several fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace trailwatch {

/// True for the characters that change how text around them is shown while
/// showing nothing themselves, so that what a reader sees is not what the
/// bytes say (Trojan Source, CVE-2021-42574), or that look like the blank
/// separating two fields:
///   - bidirectional controls: U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069;
///   - line and paragraph separators U+2028, U+2029 (U+0085 is a C1 control);
///   - invisible format characters: U+00AD, U+180E, U+200B..U+200D, U+2060..U+2064,
///     U+206A..U+206F, U+FEFF, U+FFF9..U+FFFB, tags U+E0000..U+E007F;
///   - blanks other than U+0020: U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F,
///     U+3000, and the blank-looking letters U+115F, U+1160, U+2800, U+3164, U+FFA0.
/// C0 and C1 controls are not included: every escaper handles them already.
bool IsDeceptiveCodePoint(uint32_t cp);

/// Appends `s` with every byte that a terminal could interpret made visible:
/// C0 controls and DEL as `\n`, `\t`, `\r` or `\xNN`, C1 controls
/// (UTF-8 U+0080..U+009F) and deceptive characters (IsDeceptiveCodePoint) as
/// `\u{9b}`, `\u{202e}`, and bytes that are not valid UTF-8 as `\xNN`. A
/// backslash becomes `\\` so the output is unambiguous.
void AppendTerminalSafe(std::string& out, std::string_view s);
std::string TerminalSafe(std::string_view s);

/// Appends `s` as one field of a line of text whose fields are separated by
/// blanks (and, inside a field, by any of `separators`, e.g. ",()" for a list
/// "a(2),b(1)"): terminal-safe, and in double quotes, with `\"` for a quote,
/// when it is empty, is "-" (which text output prints for a missing value),
/// or holds a space, a `"` or one of `separators`. A log value can then never
/// pass for several fields, or for no value.
void AppendTextField(std::string& out, std::string_view s, std::string_view separators = {});
std::string TextField(std::string_view s, std::string_view separators = {});

/// Appends `s` as the body of a JSON string (no quotes): `"` and `\` escaped,
/// controls, C1 and deceptive characters as `\u00XX`, `\u202e` (a surrogate
/// pair above U+FFFF), invalid UTF-8 bytes replaced by U+FFFD. The JSON value
/// is unchanged; only its text shows the characters.
void AppendJsonEscaped(std::string& out, std::string_view s);

/// `s` as a JSON string literal, quotes included.
std::string JsonQuoted(std::string_view s);

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i);

/// The code point of the valid UTF-8 sequence of `len` bytes at `s[i]`.
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t len);

/// Appends the JSON escape of code point `cp` (`\u202e`, or a surrogate pair).
void AppendJsonCodePoint(std::string& out, uint32_t cp);

/// Replaces, in place, every byte of `data[0, size)` that is not part of a
/// valid UTF-8 sequence by '?' (same length, so byte offsets stay true).
/// Returns the number of bytes replaced and the offset of the first one.
struct Utf8Repair {
  size_t replaced = 0;
  size_t first = 0;
};
Utf8Repair RepairUtf8(char* data, size_t size);

}  // namespace trailwatch
