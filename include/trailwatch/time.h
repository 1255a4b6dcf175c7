// Time: UTC instants as Unix seconds, ISO 8601 parsing and formatting, and the
// relative spans (90m, 24h, 7d) that --since/--until accept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trailwatch/status.h"

namespace trailwatch {

/// Seconds since 1970-01-01T00:00:00Z. Sub-second parts are truncated.
using UnixSeconds = int64_t;

/// Parses an ISO 8601 date-time: `YYYY-MM-DD[(T|t| )HH:MM[:SS[.fff...]]][Z|z|±HH:MM|±HHMM]`.
/// A missing zone means UTC. Returns nullopt on anything else (including
/// out-of-range fields such as month 13 or second 61).
std::optional<UnixSeconds> ParseIsoTime(std::string_view text);

/// Parses a --since/--until argument: an ISO 8601 time as above, or a span
/// back from `now` written as a positive integer with unit s, m, h, d or w
/// (`90m`, `24h`, `7d`).
Result<UnixSeconds> ParseTimeArgument(std::string_view text, UnixSeconds now);

/// Formats as `YYYY-MM-DDTHH:MM:SSZ`.
std::string FormatIsoTime(UnixSeconds t);

/// Days since the epoch for a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace trailwatch
