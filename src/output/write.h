// write: the only places that put bytes on stdout and lines on stderr. Data
// goes to stdout (for jq and grep); diagnostics and summaries go to stderr.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace trailwatch::output {

/// Writes all of `data` to stdout. Returns false if stdout is closed (EPIPE,
/// e.g. `| head`) or fails; the caller stops. A failure other than EPIPE (a
/// full disk, an I/O error) is reported once on stderr and remembered: see
/// StdoutFailed().
bool WriteStdout(std::string_view data);

/// True once a write to stdout failed for a reason other than a closed pipe.
/// Such a run lost output, so every command then exits 2 (kExitError).
bool StdoutFailed();

/// Prints "trailwatch: <message>" on stderr. The message must already be
/// terminal-safe (see escape.h).
void Diagnostic(std::string_view message);

/// While a progress line is on stderr, Diagnostic erases it first (the
/// progress redraws itself on its next update).
void SetStatusLineActive(bool active);

/// Appends a record's JSON text as one line. Text that is already on one line
/// without control or deceptive characters is copied as it is; otherwise
/// whitespace outside strings is removed, control characters (C0 and C1) are
/// escaped as \u00XX and deceptive ones (bidi, invisible, odd blanks: see
/// IsDeceptiveCodePoint in escape.h) as \u202e: still valid JSON, same values.
void AppendJsonLine(fmt::memory_buffer& out, std::string_view raw_json);

}  // namespace trailwatch::output
