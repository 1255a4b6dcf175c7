// json_scan: finds value boundaries by tracking strings, escapes and bracket
// depth, so that one bad record does not cost the records around it.
#include "event/json_scan.h"

namespace trailwatch::event {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Returns the offset after the string starting at text[pos] == '"', or npos.
size_t SkipString(std::string_view text, size_t pos) {
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Returns the offset after the value starting at text[pos], or npos if the
// text ends first.
size_t SkipValue(std::string_view text, size_t pos) {
  const char c = text[pos];
  if (c == '"') return SkipString(text, pos);
  if (c != '{' && c != '[') {
    size_t i = pos;
    while (i < text.size() && !IsSpace(text[i]) && text[i] != ',' && text[i] != ']' &&
           text[i] != '}') {
      ++i;
    }
    return i == pos ? pos + 1 : i;  // a stray '}' or ']' is a one-byte bad value
  }
  size_t depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const char d = text[i];
    if (d == '"') {
      i = SkipString(text, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (d == '{' || d == '[') {
      ++depth;
    } else if (d == '}' || d == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

size_t FindRecordsArray(std::string_view text, size_t pos) {
  while (pos < text.size() && text[pos] != '{') ++pos;
  size_t depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t end = SkipString(text, i);
      if (end == std::string_view::npos) return end;
      if (depth == 1 && text.substr(i, end - i) == "\"Records\"") {
        size_t j = end;
        while (j < text.size() && IsSpace(text[j])) ++j;
        if (j < text.size() && text[j] == ':') {
          ++j;
          while (j < text.size() && IsSpace(text[j])) ++j;
          if (j < text.size() && text[j] == '[') return j + 1;
        }
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth <= 1) return std::string_view::npos;
      --depth;
    }
  }
  return std::string_view::npos;
}

std::vector<Span> SplitValues(std::string_view text, size_t pos, bool in_array, bool* closed) {
  std::vector<Span> spans;
  *closed = false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (IsSpace(c) || c == ',') {
      ++pos;
      continue;
    }
    if (in_array && c == ']') {
      *closed = true;
      break;
    }
    const size_t end = SkipValue(text, pos);
    if (end == std::string_view::npos) {
      spans.push_back({pos, text.size(), false});
      break;
    }
    spans.push_back({pos, end, true});
    pos = end;
  }
  return spans;
}

}  // namespace trailwatch::event
