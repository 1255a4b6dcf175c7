// hcl_template: quoted strings and heredocs (spec "Template Expressions"):
// escapes, ${...} interpolations and %{...} directives, <<- indentation removal.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "ruleset/hcl_parser.h"

namespace trailwatch::ruleset::hcl::internal {
namespace {

// The value of hexadecimal digit `c`, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  const auto byte = [out](uint32_t b) { out->push_back(static_cast<char>(static_cast<unsigned char>(b))); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
}

// Appends literal text to a template, escaping "${" and "%{" as "$${" and "%%{".
void AppendTemplateLiteral(std::string_view literal, std::string* out) {
  for (size_t k = 0; k < literal.size(); ++k) {
    const char c = literal[k];
    if ((c == '$' || c == '%') && k + 1 < literal.size() && literal[k + 1] == '{') out->push_back(c);
    out->push_back(c);
  }
}

// The byte length of the Unicode white-space character at s[k] (Go's
// unicode.IsSpace, which HCL uses for <<- indentation), or 0.
size_t SpaceLength(std::string_view s, size_t k) {
  const auto b = static_cast<unsigned char>(s[k]);
  if (b == ' ' || (b >= '\t' && b <= '\r')) return 1;
  if (b < 0x80) return 0;
  const std::string_view rest = s.substr(k, 3);
  if (rest.substr(0, 2) == "\xC2\x85" || rest.substr(0, 2) == "\xC2\xA0") return 2;  // U+0085, U+00A0
  if (rest == "\xE1\x9A\x80" || rest == "\xE3\x80\x80") return 3;                     // U+1680, U+3000
  if (rest.size() == 3 && rest[0] == '\xE2') {
    const auto b1 = static_cast<unsigned char>(rest[1]);
    const auto b2 = static_cast<unsigned char>(rest[2]);
    if (b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) return 3;  // U+2000-200A, 2028/9, 202F
    if (b1 == 0x81 && b2 == 0x9F) return 3;                                              // U+205F
  }
  return 0;
}

}  // namespace

void DedentHeredoc(std::vector<HeredocPiece>* pieces) {
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  size_t min_spaces = kNone;
  std::vector<HeredocPiece*> adjust;
  bool line_start = true;
  for (HeredocPiece& piece : *pieces) {
    if (line_start) {
      size_t spaces = 0;  // a line that starts with a sequence has no indentation
      if (piece.literal) {
        size_t k = 0;
        while (k < piece.text.size()) {
          const size_t len = SpaceLength(piece.text, k);
          if (len == 0) break;
          k += len;
          ++spaces;
        }
        if (k == piece.text.size() && piece.text.back() == '\n') {
          spaces = kNone;  // a blank line does not count
        } else {
          adjust.push_back(&piece);
        }
      }
      min_spaces = std::min(min_spaces, spaces);
    }
    line_start = piece.literal && !piece.text.empty() && piece.text.back() == '\n';
  }
  if (min_spaces == kNone || min_spaces == 0) return;
  for (HeredocPiece* piece : adjust) {
    size_t k = 0;
    for (size_t n = 0; n < min_spaces; ++n) k += SpaceLength(piece->text, k);
    piece->text.erase(0, k);
  }
}

bool Parser::ParseEscape(std::string* out) {
  const size_t at = i_;
  ++i_;  // '\\'
  if (AtEnd() || AtNewline()) return true;  // the caller reports the unterminated string
  const char c = s_[i_];
  switch (c) {
    case 'n': out->push_back('\n'); break;
    case 'r': out->push_back('\r'); break;
    case 't': out->push_back('\t'); break;
    case '"': out->push_back('"'); break;
    case '\\': out->push_back('\\'); break;
    case 'u':
    case 'U': {
      const size_t digits = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (size_t k = 1; k <= digits; ++k) {
        const int h = HexValue(Peek(k));
        if (h < 0) {
          return Fail(at, fmt::format("invalid escape sequence: '\\{}' needs {} hexadecimal digits", c, digits));
        }
        cp = (cp << 4) | static_cast<uint32_t>(h);
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Fail(at, fmt::format("invalid escape sequence: U+{:04X} is not a Unicode character", cp));
      }
      AppendUtf8(cp, out);
      i_ += digits;
      break;
    }
    default:
      return Fail(at, fmt::format("invalid escape sequence '\\' followed by {} (known escapes: \\n \\r \\t \\\" "
                                  "\\\\ \\uXXXX \\UXXXXXXXX)",
                                  Describe(i_)));
  }
  ++i_;
  return true;
}

bool Parser::ParseSequence(std::string* out, std::vector<Directive>* directives) {
  const size_t start = i_;
  const bool directive = s_[i_] == '%';
  Scope scope(this, start, directive ? "the '%{' of a template directive" : "the '${' of an interpolation");
  if (!scope.ok()) return false;
  i_ += 2;
  if (Peek() == '~') ++i_;
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (directive) {
    if (!IsIdentStart(Peek())) return FailExpected(i_, "if, else, endif, for or endfor after '%{'");
    const size_t word_at = i_;
    const std::string_view word = ReadIdent();
    if (word == "if" || word == "for") {
      Node expr;
      if (word == "if" ? !ParseExpr(&expr, Newlines::kSkip) : !ParseForIntro()) return false;
      directives->push_back({start, word == "for"});
    } else if (word == "else" || word == "endif" || word == "endfor") {
      const bool wants_if = word != "endfor";
      if (directives->empty() || directives->back().is_for == wants_if) {
        return Fail(word_at, fmt::format("'%{{ {} }}' without a matching '%{{ {} }}'", word, wants_if ? "if" : "for"));
      }
      if (word == "else") {
        if (directives->back().has_else) return Fail(word_at, "a second '%{ else }' for the same '%{ if }'");
        directives->back().has_else = true;
      } else {
        directives->pop_back();
      }
    } else {
      return Fail(word_at, fmt::format("unknown template directive '{}': expected if, else, endif, for or endfor",
                                       word));
    }
  } else {
    Node expr;
    if (!ParseExpr(&expr, Newlines::kSkip)) return false;
  }
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (Peek() == '~') ++i_;
  if (Peek() != '}') {
    return FailExpected(i_, directive ? "'}' to end the template directive" : "'}' to end the interpolation");
  }
  ++i_;
  out->append(s_.substr(start, i_ - start));
  return true;
}

bool Parser::CheckDirectivesClosed(const std::vector<Directive>& directives) {
  if (directives.empty()) return true;
  const size_t at = directives.back().offset;
  const bool is_for = directives.back().is_for;
  return Fail(at, fmt::format("the template directive '%{{ {} }}' opened at {} has no '%{{ {} }}'",
                              is_for ? "for" : "if", PosText(at), is_for ? "endfor" : "endif"));
}

bool Parser::ParseQuoted(Node* out) {
  const size_t open = i_;
  ++i_;
  std::string literal;   // escapes processed
  std::string templ;     // the template: literal runs (escaped) and sequences as written
  bool is_template = false;
  std::vector<Directive> directives;
  while (true) {
    if (AtEnd() || Peek() == '\n' || Peek() == '\r') {
      return Fail(open, fmt::format("unterminated string: no closing '\"' before the end of the {} (string "
                                    "opened at {})",
                                    AtEnd() ? "file" : "line", PosText(open)));
    }
    const char c = s_[i_];
    if (c == '"') break;
    if (c == '\\') {
      if (!ParseEscape(&literal)) return false;
    } else if ((c == '$' || c == '%') && Peek(1) == c && Peek(2) == '{') {  // $${ and %%{
      literal.push_back(c);
      literal.push_back('{');
      i_ += 3;
    } else if ((c == '$' || c == '%') && Peek(1) == '{') {
      AppendTemplateLiteral(literal, &templ);
      literal.clear();
      is_template = true;
      if (!ParseSequence(&templ, &directives)) return false;
    } else {
      const size_t run = i_;  // up to the next byte that may need handling
      const size_t stop = s_.find_first_of("\"\\$%\r\n", i_ + 1);
      i_ = stop == std::string_view::npos ? s_.size() : stop;
      literal.append(s_.substr(run, i_ - run));
    }
  }
  ++i_;  // closing quote
  if (!CheckDirectivesClosed(directives)) return false;
  Value& v = out->value;
  v.kind = Value::Kind::kString;
  v.is_template = is_template;
  if (is_template) {
    AppendTemplateLiteral(literal, &templ);
    v.text = std::move(templ);
  } else {
    v.text = std::move(literal);
  }
  out->end = i_;
  return true;
}

bool Parser::AtHeredocEnd(std::string_view delimiter, size_t* after) const {
  size_t k = i_;
  while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t')) ++k;
  if (s_.substr(k, delimiter.size()) != delimiter) return false;
  k += delimiter.size();
  *after = k;
  while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t' || s_[k] == '\r')) ++k;
  return k == s_.size() || s_[k] == '\n';
}

bool Parser::ParseHeredoc(Node* out) {
  const size_t open = i_;
  i_ += 2;
  const bool flush = Peek() == '-';
  if (flush) ++i_;
  if (!IsIdentStart(Peek())) return FailExpected(i_, "a heredoc delimiter such as EOT after '<<'");
  const std::string_view delimiter = ReadIdent();
  if (!AtNewline()) {
    return FailExpected(i_, fmt::format("a newline right after the heredoc delimiter '{}'", delimiter));
  }
  SkipNewline();
  std::vector<HeredocPiece> pieces;
  std::vector<Directive> directives;
  bool is_template = false;
  bool line_start = true;
  while (true) {
    size_t after = 0;
    if (line_start && AtHeredocEnd(delimiter, &after)) {
      i_ = after;
      break;
    }
    if (AtEnd()) {
      return Fail(open, fmt::format("unterminated heredoc: no line with just '{}' closes the heredoc opened at {}",
                                    delimiter, PosText(open)));
    }
    line_start = false;
    const char c = s_[i_];
    if ((c == '$' || c == '%') && Peek(1) == '{') {
      pieces.push_back({"", false});
      is_template = true;
      if (!ParseSequence(&pieces.back().text, &directives)) return false;
      continue;
    }
    // A literal run, up to a sequence or through the end of the line.
    HeredocPiece piece;
    while (!AtEnd()) {
      const char d = s_[i_];
      if (AtNewline()) {
        piece.text.push_back('\n');  // CRLF becomes LF
        SkipNewline();
        line_start = true;
        break;
      }
      if (d == '\r') return Fail(i_, "a carriage return in a heredoc must be followed by a newline");
      if ((d == '$' || d == '%') && Peek(1) == d && Peek(2) == '{') {
        piece.text.append({d, '{'});
        i_ += 3;
      } else if ((d == '$' || d == '%') && Peek(1) == '{') {
        break;
      } else {
        piece.text.push_back(d);
        ++i_;
      }
    }
    pieces.push_back(std::move(piece));
  }
  if (!CheckDirectivesClosed(directives)) return false;
  if (flush) DedentHeredoc(&pieces);
  std::string text;
  for (const HeredocPiece& piece : pieces) {
    if (is_template && piece.literal) {
      AppendTemplateLiteral(piece.text, &text);
    } else {
      text += piece.text;
    }
  }
  Value& v = out->value;
  v.kind = Value::Kind::kString;
  v.is_template = is_template;
  v.text = std::move(text);
  out->end = i_;
  return true;
}

}  // namespace trailwatch::ruleset::hcl::internal
