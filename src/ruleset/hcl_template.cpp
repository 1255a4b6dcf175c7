// hcl_template: quoted strings, heredocs and template files (spec "Template
// Expressions"): escapes, ${...} interpolations and %{...} directives with
// their strip markers, <<- indentation removal, and their expression trees.
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

void DedentLines(const std::vector<std::string*>& texts) {
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  size_t min_spaces = kNone;
  std::vector<std::string*> adjust;
  bool line_start = true;
  for (std::string* text : texts) {
    if (line_start) {
      size_t spaces = 0;  // a line that starts with a sequence has no indentation
      if (text != nullptr) {
        size_t k = 0;
        while (k < text->size()) {
          const size_t len = SpaceLength(*text, k);
          if (len == 0) break;
          k += len;
          ++spaces;
        }
        if (k == text->size() && !text->empty() && text->back() == '\n') {
          spaces = kNone;  // a blank line does not count
        } else {
          adjust.push_back(text);
        }
      }
      min_spaces = std::min(min_spaces, spaces);
    }
    line_start = text != nullptr && !text->empty() && text->back() == '\n';
  }
  if (min_spaces == kNone || min_spaces == 0) return;
  for (std::string* text : adjust) {
    size_t k = 0;
    for (size_t n = 0; n < min_spaces; ++n) k += SpaceLength(*text, k);
    text->erase(0, k);
  }
}

void DedentHeredoc(std::vector<HeredocPiece>* pieces) {
  std::vector<std::string*> texts;
  texts.reserve(pieces->size());
  for (HeredocPiece& piece : *pieces) texts.push_back(piece.literal ? &piece.text : nullptr);
  DedentLines(texts);
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

bool Parser::ParseSequence(std::string* out, std::vector<Directive>* directives,
                           std::vector<TemplateToken>* tokens) {
  const size_t start = i_;
  const bool directive = s_[i_] == '%';
  Scope scope(this, start, directive ? "the '%{' of a template directive" : "the '${' of an interpolation");
  if (!scope.ok()) return false;
  TemplateToken token;
  token.pos = PosAt(start);
  i_ += 2;
  if (Peek() == '~') {
    token.strip_before = true;
    ++i_;
  }
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (directive) {
    if (!IsIdentStart(Peek())) return FailExpected(i_, "if, else, endif, for or endfor after '%{'");
    const size_t word_at = i_;
    const std::string_view word = ReadIdent();
    if (word == "if" || word == "for") {
      if (directives->size() >= static_cast<size_t>(kMaxDepth)) {
        return Fail(start, fmt::format("template directives nested deeper than {} levels", kMaxDepth));
      }
      Node expr;
      if (word == "if" ? !ParseExpr(&expr, Newlines::kSkip)
                       : !ParseForIntro(&token.key_name, &token.value_name, &expr)) {
        return false;
      }
      token.kind = word == "if" ? TemplateToken::Kind::kIf : TemplateToken::Kind::kFor;
      token.expr = std::move(expr.ast);
      directives->push_back({start, word == "for"});
    } else if (word == "else" || word == "endif" || word == "endfor") {
      token.kind = word == "else" ? TemplateToken::Kind::kElse
                                  : (word == "endif" ? TemplateToken::Kind::kEndIf : TemplateToken::Kind::kEndFor);
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
    token.kind = TemplateToken::Kind::kInterpolation;
    token.expr = std::move(expr.ast);
  }
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (Peek() == '~') {
    token.strip_after = true;
    ++i_;
  }
  if (Peek() != '}') {
    return FailExpected(i_, directive ? "'}' to end the template directive" : "'}' to end the interpolation");
  }
  ++i_;
  out->append(s_.substr(start, i_ - start));
  tokens->push_back(std::move(token));
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
  std::vector<TemplateToken> tokens;
  const auto flush_literal = [&] {
    if (literal.empty()) return;
    TemplateToken t;
    t.literal = literal;
    tokens.push_back(std::move(t));
  };
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
      flush_literal();
      literal.clear();
      is_template = true;
      if (!ParseSequence(&templ, &directives, &tokens)) return false;
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
    flush_literal();
    v.text = std::move(templ);
  } else {
    v.text = std::move(literal);
  }
  SetTemplateAst(out, std::move(tokens), is_template, false);
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
  std::vector<TemplateToken> sequences;
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
      pieces.push_back({"", false, sequences.size()});
      is_template = true;
      if (!ParseSequence(&pieces.back().text, &directives, &sequences)) return false;
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
  FinishHeredoc(out, std::move(pieces), std::move(sequences), is_template, flush);
  out->end = i_;
  return true;
}

void Parser::FinishHeredoc(Node* out, std::vector<HeredocPiece> pieces, std::vector<TemplateToken> sequences,
                           bool is_template, bool flush) const {
  // The tree follows HCL: one literal token per line, strip markers applied
  // to the neighbouring tokens, then the <<- indentation removed.
  std::vector<TemplateToken> tokens;
  for (const HeredocPiece& piece : pieces) {
    if (!piece.literal) {
      tokens.push_back(std::move(sequences[piece.token]));
      continue;
    }
    TemplateToken t;
    t.literal = piece.text;
    tokens.push_back(std::move(t));
  }
  // The value's text: the indentation removed from the text as written.
  if (flush) DedentHeredoc(&pieces);
  std::string text;
  for (HeredocPiece& piece : pieces) {
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
  SetTemplateAst(out, std::move(tokens), is_template, flush);
}

// A template file is a heredoc without delimiters: the whole text.
Result<ExprPtr, trailwatch::ParseError> Parser::ParseWholeTemplate() {
  std::vector<Directive> directives;
  std::vector<TemplateToken> tokens;
  std::string unused;
  bool ok = true;
  while (ok && !AtEnd()) {
    const char c = s_[i_];
    if ((c == '$' || c == '%') && Peek(1) == '{') {
      ok = ParseSequence(&unused, &directives, &tokens);
      continue;
    }
    // One literal token per line, as HCL scans template files.
    if (tokens.empty() || tokens.back().kind != TemplateToken::Kind::kLiteral ||
        (!tokens.back().literal.empty() && tokens.back().literal.back() == '\n')) {
      tokens.emplace_back();
    }
    if ((c == '$' || c == '%') && Peek(1) == c && Peek(2) == '{') {
      tokens.back().literal.append({c, '{'});
      i_ += 3;
    } else {
      tokens.back().literal.push_back(c);
      ++i_;
    }
  }
  ok = ok && CheckDirectivesClosed(directives);
  Node node;
  node.value.pos = PosAt(0);
  SetTemplateAst(&node, std::move(tokens), true, false);
  return FinishWhole(ok, node);
}

void Parser::SetTemplateAst(Node* out, std::vector<TemplateToken> tokens, bool is_template, bool flush) const {
  auto ast = std::make_shared<Expr>();
  ast->pos = out->value.pos;
  if (!is_template) {
    ast->kind = Expr::Kind::kString;
    ast->text = out->value.text;
  } else {
    ast->kind = Expr::Kind::kTemplate;
    ast->parts = BuildTemplate(std::move(tokens), flush);
  }
  out->ast = std::move(ast);
}

namespace {


// Nests tokens[*at...] up to the end or a token of kind `stop_a` / `stop_b`,
// which is left at *at.
std::vector<TemplatePart> Nest(std::vector<TemplateToken>* tokens, size_t* at, TemplateToken::Kind stop_a,
                               TemplateToken::Kind stop_b) {
  using K = TemplateToken::Kind;
  std::vector<TemplatePart> parts;
  while (*at < tokens->size()) {
    TemplateToken& t = (*tokens)[*at];
    if (t.kind == stop_a || t.kind == stop_b) break;
    ++*at;
    TemplatePart part;
    part.pos = t.pos;
    part.expr = std::move(t.expr);
    switch (t.kind) {
      case K::kLiteral:
        if (t.literal.empty()) continue;
        part.literal = std::move(t.literal);
        break;
      case K::kInterpolation: part.kind = TemplatePart::Kind::kInterpolation; break;
      case K::kIf:
        part.kind = TemplatePart::Kind::kIf;
        part.body = Nest(tokens, at, K::kElse, K::kEndIf);
        if (*at < tokens->size() && (*tokens)[*at].kind == K::kElse) {
          ++*at;
          part.else_body = Nest(tokens, at, K::kEndIf, K::kEndIf);
        }
        ++*at;  // endif
        break;
      case K::kFor:
        part.kind = TemplatePart::Kind::kFor;
        part.key_name = std::move(t.key_name);
        part.value_name = std::move(t.value_name);
        part.body = Nest(tokens, at, K::kEndFor, K::kEndFor);
        ++*at;  // endfor
        break;
      default: continue;  // unbalanced: cannot happen after the parser's checks
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace

std::vector<TemplatePart> BuildTemplate(std::vector<TemplateToken> tokens, bool flush) {
  // A strip marker trims the literal token right next to it (HCL's tokens:
  // one per line in heredocs and template files), all white space as Go's unicode.IsSpace.
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == TemplateToken::Kind::kLiteral) continue;
    if (tokens[k].strip_before && k > 0 && tokens[k - 1].kind == TemplateToken::Kind::kLiteral) {
      std::string& s = tokens[k - 1].literal;
      size_t end = 0;  // just past the last character that is not white space
      for (size_t at = 0; at < s.size();) {
        const size_t len = SpaceLength(s, at);
        if (len > 0) {
          at += len;
          continue;
        }
        ++at;
        while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
        end = at;
      }
      s.resize(end);
    }
    if (tokens[k].strip_after && k + 1 < tokens.size() && tokens[k + 1].kind == TemplateToken::Kind::kLiteral) {
      std::string& s = tokens[k + 1].literal;
      size_t n = 0;
      while (n < s.size() && SpaceLength(s, n) > 0) n += SpaceLength(s, n);
      s.erase(0, n);
    }
  }
  if (flush) {
    std::vector<std::string*> texts;
    texts.reserve(tokens.size());
    for (TemplateToken& t : tokens) texts.push_back(t.kind == TemplateToken::Kind::kLiteral ? &t.literal : nullptr);
    DedentLines(texts);
  }
  size_t at = 0;
  return Nest(&tokens, &at, TemplateToken::Kind::kEndFor, TemplateToken::Kind::kEndFor);
}

}  // namespace trailwatch::ruleset::hcl::internal
