// hcl: the entry point, the parser's cursor (positions, whitespace, comments,
// error messages) and the structural language: bodies, blocks, attributes.
#include "ruleset/hcl.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "ruleset/hcl_parser.h"

namespace trailwatch::ruleset::hcl {
namespace internal {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The offsets of the NUL bytes and of the bytes that do not start well-formed
// UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), in order.
std::vector<size_t> FindBadBytes(std::string_view s) {
  std::vector<size_t> bad;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b != 0 && b < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1Fu, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0Fu, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07u, min = 0x10000;
    }
    bool ok = len != 0 && len <= s.size() - i;
    for (size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
      i += len;
    } else {
      bad.push_back(i++);
    }
  }
  return bad;
}

// The length of the UTF-8 character starting with byte `c`.
size_t CharLength(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b < 0xC0) return 1;
  if (b < 0xE0) return 2;
  return b < 0xF0 ? 3 : 4;
}

}  // namespace

Parser::Parser(std::string_view text) : s_(text), bad_(FindBadBytes(text)) {
  if (s_.substr(0, kBom.size()) == kBom) i_ = kBom.size();
  line_starts_.push_back(i_);
  for (size_t k = 0; k < s_.size(); ++k) {
    if (s_[k] == '\n') line_starts_.push_back(k + 1);
  }
}

Parser::Scope::Scope(Parser* parser, size_t offset, std::string_view what, std::string_view name)
    : parser_(parser), entered_(false) {
  if (parser_->open_.size() >= static_cast<size_t>(kMaxDepth)) {
    parser_->Fail(offset, fmt::format("nesting deeper than {} levels (blocks, brackets, parentheses, "
                                      "interpolations and operators together)",
                                      kMaxDepth));
    return;
  }
  parser_->open_.push_back({offset, what, name});
  entered_ = true;
}

Parser::Scope::~Scope() {
  if (entered_) parser_->open_.pop_back();
}

bool Parser::AtKeyword(std::string_view word) const {
  return StartsWith(word) && !IsIdentChar(Peek(word.size()));
}

bool Parser::SkipSpace(Newlines newlines) {
  while (i_ < s_.size()) {
    const char c = s_[i_];
    const size_t comment = i_;
    if (c == ' ' || c == '\t') {
      ++i_;
      continue;
    }
    if (AtNewline()) {
      if (newlines == Newlines::kEnd) return true;
      SkipNewline();
      continue;
    }
    if (c == '#' || (c == '/' && Peek(1) == '/')) {
      // A line comment runs up to the newline, which still counts as one.
      const size_t nl = s_.find('\n', i_);
      i_ = nl == std::string_view::npos ? s_.size() : nl;
      if (i_ > 0 && s_[i_ - 1] == '\r' && i_ < s_.size()) --i_;
    } else if (c == '/' && Peek(1) == '*') {
      const size_t close = s_.find("*/", i_ + 2);
      if (close == std::string_view::npos) {
        return Fail(i_, fmt::format("unterminated comment: the '/*' opened at {} has no closing '*/'",
                                    PosText(i_)));
      }
      i_ = close + 2;
    } else {
      return true;
    }
    // Any bytes are allowed in comments, as in HCL.
    while (bad_next_ < bad_.size() && bad_[bad_next_] >= comment && bad_[bad_next_] < i_) ++bad_next_;
  }
  return true;
}

std::string_view Parser::ReadIdent() {
  const size_t start = i_;
  while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
  return s_.substr(start, i_ - start);
}

Pos Parser::PosAt(size_t offset) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  const size_t start = line == 0 ? 0 : line_starts_[line - 1];
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  return {static_cast<uint32_t>(std::min(std::max<size_t>(line, 1), kMax)),
          static_cast<uint32_t>(std::min(offset >= start ? offset - start + 1 : 1, kMax))};
}

std::string Parser::PosText(size_t offset) const {
  const Pos pos = PosAt(offset);
  return fmt::format("{}:{}", pos.line, pos.column);
}

std::string Parser::Describe(size_t offset) const {
  if (offset >= s_.size()) return "end of file";
  const char c = s_[offset];
  if (c == '\n' || (c == '\r' && offset + 1 < s_.size() && s_[offset + 1] == '\n')) return "end of line";
  if (c == '"') return "a string";
  if (IsIdentChar(c)) {  // identifier or number, cut at 40 bytes on a character boundary
    size_t end = offset;
    while (end < s_.size() && (IsIdentChar(s_[end]) || (IsDigit(c) && s_[end] == '.'))) ++end;
    if (end - offset > 40) {
      end = offset + 40;
      while ((static_cast<unsigned char>(s_[end]) & 0xC0) == 0x80) --end;
    }
    return fmt::format("'{}'", s_.substr(offset, end - offset));
  }
  for (std::string_view op : {"...", "==", "!=", "<=", ">=", "&&", "||", "=>", "::", "${", "%{", "<<"}) {
    if (s_.substr(offset, op.size()) == op) return fmt::format("'{}'", op);
  }
  const auto b = static_cast<unsigned char>(c);
  if (b < 0x20 || b == 0x7F) return fmt::format("control character 0x{:02X}", b);
  return fmt::format("'{}'", s_.substr(offset, CharLength(c)));
}

bool Parser::Fail(size_t offset, std::string message) {
  if (!failed_) {
    failed_ = true;
    error_cursor_ = std::max(offset, i_);  // how far the parser read
    const Pos pos = PosAt(offset);
    error_.message = std::move(message);
    error_.offset = offset;
    error_.line = pos.line;
    error_.column = pos.column;
  }
  return false;
}

bool Parser::FailExpected(size_t offset, std::string_view expected) {
  if (offset >= s_.size()) {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      if (it->what.empty()) continue;
      const std::string what = it->name.empty() ? std::string(it->what) : fmt::format("{} '{}'", it->what, it->name);
      return Fail(it->offset, fmt::format("unexpected end of file: {} (opened at {}) is never closed", what,
                                          PosText(it->offset)));
    }
  }
  return Fail(offset, fmt::format("expected {}, found {}", expected, Describe(offset)));
}

// ---- structure --------------------------------------------------------------

bool Parser::CheckBadBytes(bool ok) {
  // A NUL or invalid UTF-8 byte outside comments is the error, unless the
  // parser stopped at something earlier.
  if (bad_next_ < bad_.size() && (ok || bad_[bad_next_] <= error_cursor_)) {
    const size_t at = bad_[bad_next_];
    failed_ = false;
    Fail(at, s_[at] == '\0' ? std::string("NUL byte: a .tf file must be text (NUL is allowed only in comments)")
                            : fmt::format("invalid UTF-8: byte 0x{:02X} does not start a valid character",
                                          static_cast<unsigned char>(s_[at])));
    return false;
  }
  return ok;
}

Result<Body, trailwatch::ParseError> Parser::ParseFile() {
  Body body;
  const bool ok = ParseBody(&body.attributes, &body.blocks, /*top=*/true);
  if (!CheckBadBytes(ok)) return error_;
  return body;
}

Result<ExprPtr, trailwatch::ParseError> Parser::FinishWhole(bool ok, const Node& node) {
  if (ok && !SkipSpace(Newlines::kSkip)) ok = false;
  if (ok && !AtEnd()) ok = Fail(i_, fmt::format("unexpected {} after the expression", Describe(i_)));
  if (!CheckBadBytes(ok)) return error_;
  return ExprPtr(node.ast);
}

Result<ExprPtr, trailwatch::ParseError> Parser::ParseWholeExpression() {
  Node node;
  bool ok = SkipSpace(Newlines::kSkip);
  if (ok && AtEnd()) ok = Fail(i_, "expected an expression, found nothing");
  ok = ok && ParseExpr(&node, Newlines::kSkip);
  return FinishWhole(ok, node);
}

bool Parser::ParseBody(std::vector<Attribute>* attributes, std::vector<Block>* blocks, bool top) {
  std::unordered_map<std::string_view, size_t> defined;  // attribute name -> offset
  while (true) {
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (AtEnd()) return top || FailExpected(i_, "'}'");
    if (Peek() == '}') {
      if (top) return Fail(i_, "unexpected '}': there is no open block to close");
      ++i_;
      return true;
    }
    if (!IsIdentStart(Peek())) return FailExpected(i_, "an attribute name or a block type");
    const size_t name_at = i_;
    const std::string_view name = ReadIdent();
    if (!SkipSpace(Newlines::kEnd)) return false;
    if (Peek() == '=' && Peek(1) != '=' && Peek(1) != '>') {
      const auto [it, inserted] = defined.emplace(name, name_at);
      if (!inserted) {
        return Fail(name_at, fmt::format("attribute '{}' is already defined at {}", name, PosText(it->second)));
      }
      attributes->emplace_back();
      if (!ParseAttribute(name, name_at, &attributes->back())) return false;
      if (!ParseItemEnd(top, "the value of attribute", name)) return false;
    } else {
      blocks->emplace_back();
      if (!ParseBlock(name, name_at, &blocks->back())) return false;
      if (!ParseItemEnd(top, "the '}' of block", name)) return false;
    }
  }
}

bool Parser::ParseAttribute(std::string_view name, size_t name_at, Attribute* attribute) {
  attribute->name = std::string(name);
  attribute->pos = PosAt(name_at);
  ++i_;  // '='
  if (!SkipSpace(Newlines::kEnd)) return false;
  if (AtEnd() || AtNewline()) {
    return Fail(i_, fmt::format("attribute '{}' has no value: expected an expression after '=', found {}", name,
                                Describe(i_)));
  }
  Node value;
  if (!ParseExpr(&value, Newlines::kEnd)) return false;
  Finish(&value);
  attribute->value = std::move(value.value);
  return true;
}

bool Parser::ParseBlock(std::string_view type, size_t type_at, Block* block) {
  block->type = std::string(type);
  block->pos = PosAt(type_at);
  while (true) {  // labels
    if (Peek() == '"') {
      Node label;
      label.begin = i_;
      if (!ParseQuoted(&label)) return false;
      if (label.value.is_template) {
        return Fail(label.begin, "a block label is a plain string: it cannot contain ${ } or %{ } sequences");
      }
      block->labels.push_back(std::move(label.value.text));
    } else if (IsIdentStart(Peek())) {
      block->labels.emplace_back(ReadIdent());
    } else {
      break;
    }
    if (!SkipSpace(Newlines::kEnd)) return false;
  }
  if (Peek() != '{') {
    if (block->labels.empty()) {
      return Fail(i_, fmt::format("expected '=' after attribute name '{}' (or labels and '{{' after a block "
                                  "type), found {}",
                                  type, Describe(i_)));
    }
    return FailExpected(i_, fmt::format("'{{' to open block '{}'", type));
  }
  Scope scope(this, i_, "the '{' of block", type);
  if (!scope.ok()) return false;
  ++i_;
  return ParseBody(&block->attributes, &block->blocks, /*top=*/false);
}

bool Parser::ParseItemEnd(bool top, std::string_view what, std::string_view name) {
  if (!SkipSpace(Newlines::kEnd)) return false;
  if (AtEnd()) return true;
  if (AtNewline()) {
    SkipNewline();
    return true;
  }
  if (!top && Peek() == '}') return true;
  return Fail(i_, fmt::format("expected a newline after {} '{}', found {}", what, name, Describe(i_)));
}

}  // namespace internal

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {
const Attribute* FindIn(const std::vector<Attribute>& attributes, std::string_view name) {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}
}  // namespace

const Attribute* Block::FindAttribute(std::string_view name) const { return FindIn(attributes, name); }
const Attribute* Body::FindAttribute(std::string_view name) const { return FindIn(attributes, name); }

Result<Body, trailwatch::ParseError> Parse(std::string_view text) { return internal::Parser(text).ParseFile(); }

Result<ExprPtr, trailwatch::ParseError> ParseExpression(std::string_view text) {
  return internal::Parser(text).ParseWholeExpression();
}

Result<ExprPtr, trailwatch::ParseError> ParseTemplate(std::string_view text) {
  return internal::Parser(text).ParseWholeTemplate();
}

}  // namespace trailwatch::ruleset::hcl
