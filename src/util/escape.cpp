// Escaping for untrusted text (terminal-safe, text-field and JSON-string
// forms), with a strict UTF-8 decoder so that malformed bytes are shown, never
// passed through, and deceptive characters (bidi, invisible) are spelled out.
#include "trailwatch/escape.h"

#include <fmt/format.h>

namespace trailwatch {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(std::string& out, const char* prefix, unsigned char b) {
  out += prefix;
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// A C1 control: U+0080..U+009F, two bytes 0xC2 0x80..0x9F.
bool IsC1(std::string_view s, size_t i, size_t len) {
  return len == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

}  // namespace

bool IsDeceptiveCodePoint(uint32_t cp) {
  if (cp < 0xA0) return false;
  if (cp < 0x2000) {
    return cp == 0xA0 || cp == 0xAD || cp == 0x61C || cp == 0x115F || cp == 0x1160 || cp == 0x1680 ||
           cp == 0x180E;
  }
  if (cp <= 0x206F) {
    return cp <= 0x200F                      // blanks U+2000..U+200A, zero-width, LRM, RLM
           || (cp >= 0x2028 && cp <= 0x202F)  // line/paragraph separators, embeddings, NNBSP
           || cp == 0x205F || (cp >= 0x2060 && cp <= 0x2064) || cp >= 0x2066;  // isolates, format
  }
  if (cp < 0xE000) return cp == 0x2800 || cp == 0x3000 || cp == 0x3164;
  if (cp < 0x10000) return cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF9 && cp <= 0xFFFB);
  return cp >= 0xE0000 && cp <= 0xE007F;  // tags (invisible ASCII)
}

uint32_t DecodeUtf8(std::string_view s, size_t i, size_t len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (len == 1) return b0;
  uint32_t cp = b0 & (0x7Fu >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  return cp;
}

void AppendJsonCodePoint(std::string& out, uint32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    AppendJsonCodePoint(out, 0xD800 + (cp >> 10));
    AppendJsonCodePoint(out, 0xDC00 + (cp & 0x3FF));
    return;
  }
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
}

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  // Reject overlong forms, surrogates and code points above U+10FFFF.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

Utf8Repair RepairUtf8(char* data, size_t size) {
  Utf8Repair r;
  const std::string_view s(data, size);
  for (size_t i = 0; i < size;) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len > 0) {
      i += len;
      continue;
    }
    if (r.replaced++ == 0) r.first = i;
    data[i++] = '?';
  }
  return r;
}

void AppendTerminalSafe(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      // A run of printable ASCII (most of every field) is copied at once.
      size_t end = i + 1;
      while (end < s.size() && static_cast<unsigned char>(s[end]) >= 0x20 &&
             static_cast<unsigned char>(s[end]) < 0x7F && s[end] != '\\') {
        ++end;
      }
      if (c == '\\') out += '\\';
      out.append(s.data() + i, end - i);
      i = end;
      continue;
    }
    switch (c) {
      case '\n': out += "\\n"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      default: break;
    }
    if (c < 0x80) {  // other C0 controls and DEL
      AppendHexByte(out, "\\x", c);
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      AppendHexByte(out, "\\x", c);
      ++i;
      continue;
    }
    const uint32_t cp = DecodeUtf8(s, i, len);
    if (IsC1(s, i, len) || IsDeceptiveCodePoint(cp)) {
      out += fmt::format("\\u{{{:x}}}", cp);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
}

std::string TerminalSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendTerminalSafe(out, s);
  return out;
}

namespace {

// One pass over the field (find_first_of calls memchr per byte: slower by
// half on grep --format text).
bool NeedsQuotes(std::string_view s, std::string_view separators) {
  if (s.empty() || s == "-") return true;
  for (const char c : s) {
    if (c == ' ' || c == '"') return true;
    for (const char separator : separators) {
      if (c == separator) return true;
    }
  }
  return false;
}

}  // namespace

void AppendTextField(std::string& out, std::string_view s, std::string_view separators) {
  if (!NeedsQuotes(s, separators)) {
    AppendTerminalSafe(out, s);
    return;
  }
  // Terminal-safe text holds no control and every backslash doubled, so a
  // quote inside is written \" and the field ends at the first bare quote.
  const size_t at = out.size();
  out += '"';
  AppendTerminalSafe(out, s);
  for (size_t i = at + 1; i < out.size(); ++i) {
    if (out[i] == '\\') {
      ++i;  // an escape: skip its second byte
    } else if (out[i] == '"') {
      out.insert(i++, 1, '\\');
    }
  }
  out += '"';
}

std::string TextField(std::string_view s, std::string_view separators) {
  std::string out;
  AppendTextField(out, s, separators);
  return out;
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != 0x7F) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      default: break;
    }
    if (c < 0x80) {
      AppendHexByte(out, "\\u00", c);
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    const uint32_t cp = DecodeUtf8(s, i, len);
    if (IsC1(s, i, len) || IsDeceptiveCodePoint(cp)) {
      AppendJsonCodePoint(out, cp);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
}

std::string JsonQuoted(std::string_view s) {
  std::string out = "\"";
  AppendJsonEscaped(out, s);
  out += '"';
  return out;
}

}  // namespace trailwatch
