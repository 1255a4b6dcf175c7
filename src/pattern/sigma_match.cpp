// sigma_match: Glob (wildcards, case folding, windash), Cidr, the RE2 setup
// of SigmaTest, and the bracket matcher that finds an object's JSON text.
#include "pattern/sigma_match.h"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>

namespace trailwatch::pattern {
namespace {

size_t Utf8Length(char lead) {
  const auto c = static_cast<unsigned char>(lead);
  if (c < 0xC0) return 1;  // ASCII, or a stray continuation byte: one byte
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return c < 0xF8 ? 4 : 1;
}

bool FoldedEquals(std::string_view s, std::string_view folded) {
  if (s.size() != folded.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (FoldAscii(s[i]) != folded[i]) return false;
  }
  return true;
}

bool FoldedContains(std::string_view s, std::string_view folded) {
  if (folded.empty()) return true;
  if (s.size() < folded.size()) return false;
  const char first = folded[0];
  const size_t last = s.size() - folded.size();
  for (size_t i = 0; i <= last; ++i) {
    if (FoldAscii(s[i]) == first && FoldedEquals(s.substr(i, folded.size()), folded)) return true;
  }
  return false;
}

}  // namespace

std::vector<Glob::Atom>& Glob::Current() {
  trail_star_ = false;
  if (segments_.empty() || open_) {
    segments_.emplace_back();
    open_ = false;
  }
  return segments_.back();
}

void Glob::AddStar() {
  if (segments_.empty()) lead_star_ = true;
  trail_star_ = true;
  open_ = true;
}

void Glob::Finish(bool cased) {
  cased_ = cased;
  bool bytes_only = true;
  for (auto& seg : segments_) {
    for (Atom& a : seg) {
      if (a.kind != Atom::Kind::kByte) bytes_only = false;
      if (!cased && a.kind == Atom::Kind::kByte) a.byte = FoldAscii(a.byte);
    }
  }
  fast_ = Fast::kGeneral;
  if (!bytes_only || segments_.size() > 1) return;
  literal_.clear();
  if (segments_.empty()) {
    fast_ = lead_star_ ? Fast::kAny : Fast::kExact;
    return;
  }
  for (const Atom& a : segments_[0]) literal_ += a.byte;
  if (!lead_star_) {
    fast_ = trail_star_ ? Fast::kPrefix : Fast::kExact;
  } else {
    fast_ = trail_star_ ? Fast::kContains : Fast::kSuffix;
  }
}

std::optional<std::string_view> Glob::Exact() const {
  if (fast_ != Fast::kExact) return std::nullopt;
  return std::string_view(literal_);
}

size_t Glob::MatchAt(const std::vector<Atom>& seg, std::string_view s, size_t pos) const {
  for (const Atom& a : seg) {
    if (pos >= s.size()) return std::string_view::npos;
    switch (a.kind) {
      case Atom::Kind::kByte:
        if ((cased_ ? s[pos] : FoldAscii(s[pos])) != a.byte) return std::string_view::npos;
        ++pos;
        break;
      case Atom::Kind::kAnyChar: {
        const size_t n = Utf8Length(s[pos]);
        if (pos + n > s.size()) return std::string_view::npos;
        pos += n;
        break;
      }
      case Atom::Kind::kDash: {
        if (s[pos] == '-' || s[pos] == '/') {
          ++pos;
          break;
        }
        const std::string_view rest = s.substr(pos, 3);  // U+2013, U+2014, U+2015
        if (rest == "\xE2\x80\x93" || rest == "\xE2\x80\x94" || rest == "\xE2\x80\x95") {
          pos += 3;
          break;
        }
        return std::string_view::npos;
      }
    }
  }
  return pos;
}

bool Glob::MatchGeneral(std::string_view s) const {
  const size_t n = segments_.size();
  if (n == 0) return lead_star_ || s.empty();
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& seg = segments_[i];
    const bool last = i + 1 == n;
    if (i == 0 && !lead_star_) {
      const size_t end = MatchAt(seg, s, 0);
      if (end == std::string_view::npos) return false;
      if (last && !trail_star_) return end == s.size();
      pos = end;
      continue;
    }
    if (last && !trail_star_) {  // anchored at the end
      for (size_t p = pos; p < s.size(); ++p) {
        if (MatchAt(seg, s, p) == s.size()) return true;
      }
      return false;
    }
    // Between two stars: the leftmost match is the best one (an atom
    // consumes a fixed length at a given place, so a match ends at one place).
    bool found = false;
    for (size_t p = pos; p < s.size(); ++p) {
      const size_t end = MatchAt(seg, s, p);
      if (end != std::string_view::npos) {
        pos = end;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool Glob::Match(std::string_view s) const {
  const std::string_view lit = literal_;
  switch (fast_) {
    case Fast::kAny: return true;
    case Fast::kExact: return cased_ ? s == lit : FoldedEquals(s, lit);
    case Fast::kPrefix:
      return s.size() >= lit.size() &&
             (cased_ ? s.substr(0, lit.size()) == lit : FoldedEquals(s.substr(0, lit.size()), lit));
    case Fast::kSuffix: {
      if (s.size() < lit.size()) return false;
      const std::string_view tail = s.substr(s.size() - lit.size());
      return cased_ ? tail == lit : FoldedEquals(tail, lit);
    }
    case Fast::kContains:
      return cased_ ? s.find(lit) != std::string_view::npos : FoldedContains(s, lit);
    case Fast::kGeneral: return MatchGeneral(s);
  }
  return false;
}

namespace {

// An address as 16 bytes; IPv4 as ::ffff:a.b.c.d. False if not an address.
bool ParseAddress(std::string_view text, std::array<uint8_t, 16>* out, bool* v4) {
  if (text.empty() || text.size() > 45) return false;
  const std::string z(text);
  in_addr a4{};
  if (inet_pton(AF_INET, z.c_str(), &a4) == 1) {
    out->fill(0);
    (*out)[10] = 0xFF;
    (*out)[11] = 0xFF;
    std::memcpy(out->data() + 12, &a4, 4);
    *v4 = true;
    return true;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, z.c_str(), &a6) == 1) {
    std::memcpy(out->data(), &a6, 16);
    *v4 = false;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  Cidr c;
  bool v4 = false;
  if (!ParseAddress(text.substr(0, slash), &c.bytes, &v4)) return std::nullopt;
  const int max = v4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char d : digits) {
      if (d < '0' || d > '9') return std::nullopt;
      prefix = prefix * 10 + (d - '0');
    }
    if (prefix > max) return std::nullopt;
  }
  c.prefix = v4 ? prefix + 96 : prefix;
  return c;
}

bool Cidr::Contains(std::string_view address) const {
  std::array<uint8_t, 16> a{};
  bool v4 = false;
  if (!ParseAddress(address, &a, &v4)) return false;
  const int full = prefix / 8, bits = prefix % 8;
  if (std::memcmp(a.data(), bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (bits == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFF << (8 - bits));
  const auto i = static_cast<size_t>(full);
  return (a[i] & mask) == (bytes[i] & mask);
}

SigmaTest::SigmaTest() = default;
SigmaTest::~SigmaTest() = default;
SigmaTest::SigmaTest(SigmaTest&&) noexcept = default;
SigmaTest& SigmaTest::operator=(SigmaTest&&) noexcept = default;

bool SigmaTest::SetRegex(std::string_view expression, std::string_view flags, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(int64_t{8} << 20);
  std::string text;
  if (!flags.empty()) text = "(?" + std::string(flags) + ")";
  text += expression;
  auto re = std::make_unique<RE2>(text, options);
  if (!re->ok()) {
    *error = re->error();
    return false;
  }
  kind = Kind::kRegex;
  regex = std::move(re);
  return true;
}

namespace {

int Hex4(std::string_view s) {
  if (s.size() < 4) return -1;
  int v = 0;
  for (size_t i = 0; i < 4; ++i) {
    const char c = s[i];
    const int d = (c >= '0' && c <= '9') ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The escape at text[i] == '\\' decoded into `out`; returns the index of its last byte.
size_t DecodeEscape(std::string_view text, size_t i, std::string* out) {
  if (i + 1 >= text.size()) return i;
  const char e = text[i + 1];
  switch (e) {
    case 'b': out->push_back('\b'); return i + 1;
    case 'f': out->push_back('\f'); return i + 1;
    case 'n': out->push_back('\n'); return i + 1;
    case 'r': out->push_back('\r'); return i + 1;
    case 't': out->push_back('\t'); return i + 1;
    case 'u': {
      const int hi = Hex4(text.substr(i + 2));
      if (hi < 0) break;
      uint32_t cp = static_cast<uint32_t>(hi);
      size_t last = i + 5;
      if (cp >= 0xD800 && cp < 0xDC00 && text.substr(i + 6, 2) == "\\u") {
        const int lo = Hex4(text.substr(i + 8));
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(lo) - 0xDC00);
          last = i + 11;
        }
      }
      AppendUtf8(cp, out);
      return last;
    }
    default: break;
  }
  out->push_back(e);  // \" \\ \/ (and anything else: the character)
  return i + 1;
}

}  // namespace

size_t JsonContainerText(std::string_view text, std::string* decoded) {
  decoded->clear();
  int depth = 0;
  bool in_string = false, plain = true;
  size_t end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        plain = false;
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        end = i + 1;
        break;
      }
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      plain = false;
    }
  }
  if (end == 0 || plain) return end;
  in_string = false;
  for (size_t i = 0; i < end; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        i = DecodeEscape(text.substr(0, end), i, decoded);
        continue;
      }
      if (c == '"') in_string = false;
      decoded->push_back(c);
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '"') in_string = true;
    decoded->push_back(c);
  }
  return end;
}

}  // namespace trailwatch::pattern
