// Regex: parser for the documented subset (letters, digits, `_ # = @ / ; , - :`
// and space as literals; `^ $ ? [ ] { } | \ * + .` as operators; no groups)
// and a bit-parallel NFA simulation: O(text length x expression length).
#include "pattern/regex.h"

#include <fmt/format.h>

namespace trailwatch::pattern {
namespace {

bool IsLiteral(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '#' || c == '=' || c == '@' || c == '/' || c == ';' || c == ',' ||
         c == '-' || c == ':' || c == ' ';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AddRange(std::bitset<256>& set, int lo, int hi) {
  for (int c = lo; c <= hi; ++c) set.set(static_cast<size_t>(c));
}

std::bitset<256> ClassFor(char letter) {
  std::bitset<256> set;
  switch (letter) {
    case 'd': case 'D': AddRange(set, '0', '9'); break;
    case 's': case 'S': set.set('\t'); set.set('\n'); set.set(' '); break;
    case 'w': case 'W':
      AddRange(set, 'a', 'z'); AddRange(set, 'A', 'Z'); AddRange(set, '0', '9'); set.set('_');
      break;
    default: break;
  }
  if (letter == 'D' || letter == 'S' || letter == 'W') set.flip();
  return set;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool Fail(std::string message, size_t at, RegexError* error) {
    error->message = std::move(message);
    error->offset = at;
    return false;
  }

  // An escape after '\' at s_[i]: sets `set`, advances i. Returns false on error.
  bool Escape(size_t& i, std::bitset<256>* set, RegexError* error) {
    const size_t at = i - 1;
    if (i >= s_.size()) return Fail("'\\' at the end of the expression", at, error);
    const char c = s_[i++];
    if (c == 'd' || c == 'D' || c == 's' || c == 'S' || c == 'w' || c == 'W') {
      *set = ClassFor(c);
      return true;
    }
    if (c == 'x') {
      const int hi = i < s_.size() ? HexValue(s_[i]) : -1;
      const int lo = i + 1 < s_.size() ? HexValue(s_[i + 1]) : -1;
      if (hi < 0 || lo < 0) return Fail("\\x needs two hex digits", at, error);
      const int value = hi * 16 + lo;
      if (value > 0x7F) return Fail("\\x names one ASCII character (00 to 7f)", at, error);
      set->reset();
      set->set(static_cast<size_t>(value));
      i += 2;
      return true;
    }
    if (std::string_view("^$?[]{}|\\*+.%-").find(c) != std::string_view::npos || IsLiteral(c)) {
      set->reset();
      set->set(static_cast<unsigned char>(c));
      return true;
    }
    return Fail(fmt::format("unsupported escape '\\{}'", c), at, error);
  }

  // A class "[...]" starting at s_[i] == '['.
  bool Class(size_t& i, std::bitset<256>* set, RegexError* error) {
    const size_t open = i++;
    bool negate = false;
    if (i < s_.size() && s_[i] == '^') {
      negate = true;
      ++i;
    }
    set->reset();
    bool first = true;
    while (i < s_.size() && (s_[i] != ']' || first)) {
      first = false;
      std::bitset<256> item;
      int lo = -1;
      if (s_[i] == '\\') {
        ++i;
        if (!Escape(i, &item, error)) return false;
        if (item.count() == 1) {
          for (int c = 0; c < 128; ++c) {
            if (item.test(static_cast<size_t>(c))) lo = c;
          }
        }
      } else if (IsLiteral(s_[i]) || s_[i] == '.' || s_[i] == '$' || s_[i] == '*' ||
                 s_[i] == '+' || s_[i] == '?' || s_[i] == '|' || s_[i] == '{' || s_[i] == '}') {
        lo = static_cast<unsigned char>(s_[i++]);
        item.set(static_cast<size_t>(lo));
      } else {
        return Fail(fmt::format("character '{}' is not allowed in a filter-pattern regex", s_[i]), i,
                    error);
      }
      if (lo >= 0 && i + 1 < s_.size() && s_[i] == '-' && s_[i + 1] != ']') {
        ++i;
        int hi = -1;
        if (s_[i] == '\\') {
          ++i;
          std::bitset<256> end;
          if (!Escape(i, &end, error)) return false;
          for (int c = 0; c < 128; ++c) {
            if (end.count() == 1 && end.test(static_cast<size_t>(c))) hi = c;
          }
        } else if (IsLiteral(s_[i])) {
          hi = static_cast<unsigned char>(s_[i++]);
        }
        if (hi < lo) return Fail("invalid range in character class", i - 1, error);
        AddRange(item, lo, hi);
      }
      *set |= item;
    }
    if (i >= s_.size()) return Fail("'[' without a closing ']'", open, error);
    ++i;  // ']'
    if (negate) set->flip();
    return true;
  }

  // A quantifier {m}, {m,}, {,n}, {m,n} starting at s_[i] == '{'.
  bool Braces(size_t& i, size_t* min, size_t* max, bool* unbounded, RegexError* error) {
    const size_t open = i++;
    auto number = [&](size_t* out) {
      size_t n = 0, digits = 0;
      while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') {
        n = n * 10 + static_cast<size_t>(s_[i++] - '0');
        if (++digits > 4) return false;
      }
      *out = digits == 0 ? SIZE_MAX : n;
      return true;
    };
    size_t lo = 0, hi = 0;
    if (!number(&lo)) return Fail("repetition count too large", open, error);
    *unbounded = false;
    if (i < s_.size() && s_[i] == ',') {
      ++i;
      if (!number(&hi)) return Fail("repetition count too large", open, error);
      if (hi == SIZE_MAX) *unbounded = true;  // {m,}
    } else {
      hi = lo;  // {m}
    }
    if (i >= s_.size() || s_[i] != '}') return Fail("'{' without a closing '}'", open, error);
    ++i;
    if (lo == SIZE_MAX) lo = 0;  // {,n}: ECMAScript would read it as text; AWS means {0,n}
    if (lo == 0 && hi == SIZE_MAX && !*unbounded) return Fail("empty repetition '{}'", open, error);
    if (!*unbounded && hi < lo) return Fail("repetition {m,n} with n < m", open, error);
    *min = lo;
    *max = hi;
    return true;
  }

 private:
  std::string_view s_;
};

}  // namespace

bool Regex::Compile(std::string_view body, RegexError* error) {
  source_ = std::string(body);
  alternatives_.clear();
  Parser parser(body);
  Alternative alt;
  size_t total = 0;
  bool atom_open = false;  // the last slot group may take a quantifier
  size_t group_begin = 0;  // first slot of the last atom
  for (size_t i = 0; i <= body.size();) {
    if (i == body.size() || body[i] == '|') {
      if (alt.slots.empty() && !alt.anchored_start && !alt.anchored_end) {
        return parser.Fail("empty alternative", i, error);
      }
      Prepare(&alt);
      alternatives_.push_back(std::move(alt));
      alt = Alternative();
      atom_open = false;
      ++i;
      if (i > body.size()) break;
      if (i == body.size()) return parser.Fail("empty alternative", i, error);
      continue;
    }
    const char c = body[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      return parser.Fail("multi-byte characters are not supported in a filter-pattern regex", i,
                         error);
    }
    if (c == '^') {
      if (!alt.slots.empty() || alt.anchored_start) {
        return parser.Fail("'^' must begin an alternative", i, error);
      }
      alt.anchored_start = true;
      ++i;
      continue;
    }
    if (c == '$') {
      if (i + 1 != body.size() && body[i + 1] != '|') {
        return parser.Fail("'$' must end an alternative", i, error);
      }
      alt.anchored_end = true;
      atom_open = false;
      ++i;
      continue;
    }
    if (c == '?' || c == '*' || c == '+' || c == '{') {
      if (!atom_open) return parser.Fail(fmt::format("'{}' has nothing to repeat", c), i, error);
      atom_open = false;
      Slot atom = alt.slots[group_begin];
      alt.slots.resize(group_begin);
      size_t min = 1, max = 1;
      bool unbounded = false;
      if (c == '?') {
        min = 0;
      } else if (c == '*') {
        min = 0, unbounded = true;
      } else if (c == '+') {
        unbounded = true;
      }
      if (c == '{') {
        if (!parser.Braces(i, &min, &max, &unbounded, error)) return false;
      } else {
        ++i;
      }
      total += min + (unbounded ? 1 : max - min);
      if (total > kMaxSlots) return parser.Fail("repetition makes the expression too large", i - 1, error);
      for (size_t k = 0; k < min; ++k) alt.slots.push_back(atom);
      atom.repeat = unbounded ? Slot::Repeat::kStar : Slot::Repeat::kOptional;
      const size_t extra = unbounded ? 1 : max - min;
      for (size_t k = 0; k < extra; ++k) alt.slots.push_back(atom);
      continue;
    }
    if (c == '(' || c == ')') {
      return parser.Fail("parentheses (groups) are not supported in a filter-pattern regex", i, error);
    }
    Slot slot;
    if (c == '[') {
      if (!parser.Class(i, &slot.chars, error)) return false;
    } else if (c == '\\') {
      ++i;
      if (!parser.Escape(i, &slot.chars, error)) return false;
    } else if (c == '.') {
      slot.chars.set();
      ++i;
    } else if (IsLiteral(c)) {
      slot.chars.set(static_cast<unsigned char>(c));
      ++i;
    } else {
      return parser.Fail(fmt::format("character '{}' is not allowed in a filter-pattern regex "
                                     "(use \\x{:02x})", c, static_cast<unsigned char>(c)),
                         i, error);
    }
    if (alt.anchored_end) return parser.Fail("'$' must end an alternative", i - 1, error);
    if (++total > kMaxSlots) return parser.Fail("expression too large", i - 1, error);
    group_begin = alt.slots.size();
    alt.slots.push_back(slot);
    atom_open = true;
  }
  return true;
}

void Regex::Prepare(Alternative* alt) {
  // The longest run of slots that each match exactly one byte, once.
  std::string run;
  for (const Slot& slot : alt->slots) {
    if (slot.repeat == Slot::Repeat::kOnce && slot.chars.count() == 1) {
      for (size_t c = 0; c < 256; ++c) {
        if (slot.chars.test(c)) run.push_back(static_cast<char>(c));
      }
    } else {
      run.clear();
    }
    if (run.size() > alt->required.size()) alt->required = run;
  }
  const size_t n = alt->slots.size();
  if (n > 63) return;
  alt->bit_parallel = true;
  alt->accept.assign(256, 0);
  for (size_t j = 0; j < n; ++j) {
    const Slot& slot = alt->slots[j];
    for (size_t c = 0; c < 256; ++c) {
      if (slot.chars.test(c)) alt->accept[c] |= uint64_t{1} << j;
    }
    if (slot.repeat == Slot::Repeat::kStar) alt->star |= uint64_t{1} << j;
    if (slot.repeat != Slot::Repeat::kOnce) alt->skippable |= uint64_t{1} << j;
  }
}

// The same NFA as SearchOne with the state set in one word: bit j = waiting
// for slot j, bit n = accepted.
bool Regex::SearchBits(const Alternative& alt, std::string_view text) {
  const size_t n = alt.slots.size();
  const uint64_t final_bit = uint64_t{1} << n;
  auto close = [&](uint64_t set) {
    for (;;) {  // epsilon moves over optional and star slots, to a fixed point
      const uint64_t next = set | ((set & alt.skippable) << 1);
      if (next == set) return set;
      set = next;
    }
  };
  const uint64_t start = close(1);
  uint64_t current = start;
  auto accepted = [&](size_t pos) {
    return (current & final_bit) != 0 && (!alt.anchored_end || pos == text.size());
  };
  if (accepted(0)) return true;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const uint64_t moved = current & alt.accept[static_cast<unsigned char>(text[pos])];
    uint64_t next = (moved & alt.star) | ((moved & ~alt.star) << 1);
    if (!alt.anchored_start) next |= 1;
    if (next == 0) return false;
    current = close(next);
    if (accepted(pos + 1)) return true;
  }
  return false;
}

bool Regex::SearchOne(const Alternative& alt, std::string_view text) const {
  if (!alt.required.empty() && text.find(alt.required) == std::string_view::npos) return false;
  if (alt.bit_parallel) return SearchBits(alt, text);
  const size_t n = alt.slots.size();
  // States 0..n: state j waits for slot j; state n accepts. `current` holds
  // the states alive after the bytes read so far, closed under the epsilon
  // moves of optional and star slots.
  std::vector<uint8_t> current(n + 1, 0), next(n + 1, 0);
  auto close = [&](std::vector<uint8_t>& set) {
    for (size_t j = 0; j < n; ++j) {
      if (set[j] && alt.slots[j].repeat != Slot::Repeat::kOnce) set[j + 1] = 1;
    }
  };
  current[0] = 1;
  close(current);
  auto accepted = [&](size_t pos) { return current[n] && (!alt.anchored_end || pos == text.size()); };
  if (accepted(0)) return true;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const auto b = static_cast<unsigned char>(text[pos]);
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t j = 0; j < n; ++j) {
      if (!current[j] || !alt.slots[j].chars.test(b)) continue;
      next[alt.slots[j].repeat == Slot::Repeat::kStar ? j : j + 1] = 1;
      any = true;
    }
    if (!alt.anchored_start) {
      next[0] = 1;  // a match may start at any later position
      any = true;
    }
    if (!any) return false;
    close(next);
    current.swap(next);
    if (accepted(pos + 1)) return true;
  }
  return false;
}

bool Regex::Search(std::string_view text) const {
  for (const Alternative& alt : alternatives_) {
    if (SearchOne(alt, text)) return true;
  }
  return false;
}

}  // namespace trailwatch::pattern
