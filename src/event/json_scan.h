// json_scan: a plain byte scanner that finds where JSON values start and end
// without parsing them. Used only to recover records from damaged documents.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace trailwatch::event {

/// A value found by SplitValues: text[begin, end). `complete` is false when the
/// text ended inside the value (a truncated record).
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool complete = true;
};

/// Returns the offset just after the '[' that opens the value of the key
/// "Records" in the top-level object starting at or after `pos`, or npos.
size_t FindRecordsArray(std::string_view text, size_t pos);

/// Finds the values from `pos` on. With `in_array`, `pos` is just after a '['
/// and the scan stops at its closing ']' (commas are separators; a missing
/// comma is tolerated). Otherwise values are separated by whitespace (or
/// commas). Sets `*closed` when the array's ']' was found.
std::vector<Span> SplitValues(std::string_view text, size_t pos, bool in_array, bool* closed);

}  // namespace trailwatch::event
