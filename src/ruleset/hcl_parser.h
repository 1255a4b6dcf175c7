// hcl_parser: the recursive-descent parser behind hcl::Parse, working on bytes
// (no token stream): hcl.cpp has the cursor and the structure (bodies, blocks,
// attributes), hcl_expr.cpp the expressions, hcl_template.cpp strings and heredocs.
//
// How it stays bounded on hostile input: every loop consumes input or fails;
// every recursion passes through a Scope, which counts nesting and refuses to
// go past kMaxDepth; the first error stops everything (each function returns
// false and callers return at once). Expression text is cut from the source
// only once, when a value is kept (Finish), so long operator chains stay linear.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ruleset/hcl.h"
#include "ruleset/hcl_ast.h"

namespace trailwatch::ruleset::hcl::internal {

/// Whether a newline ends the expression being parsed (attribute values and
/// map entries) or is plain whitespace (inside (), [], for expressions, ${}).
enum class Newlines { kEnd, kSkip };

/// A value being parsed, its expression tree and its source extent [begin,
/// end). For kReference and kExpression, `value.text` stays empty until Finish().
struct Node {
  Value value;
  std::shared_ptr<Expr> ast;
  size_t begin = 0;
  size_t end = 0;
};

/// A template as the parser reads it, flat: literal runs and sequences; the
/// directives become a tree (TemplatePart) once the template is complete.
struct TemplateToken {
  enum class Kind { kLiteral, kInterpolation, kIf, kElse, kEndIf, kFor, kEndFor };
  Kind kind = Kind::kLiteral;
  std::string literal;
  ExprPtr expr;
  std::string key_name, value_name;
  bool strip_before = false;  ///< `${~` / `%{~`: trims the white space before
  bool strip_after = false;   ///< `~}`: trims the white space after
  Pos pos;
};

/// Applies the strip markers, then for a `<<-` heredoc (`flush`) removes the
/// common indentation, and nests the directives, as HCL does. REQUIRES: the
/// directives are balanced (the parser checked).
std::vector<TemplatePart> BuildTemplate(std::vector<TemplateToken> tokens, bool flush);

/// An open %{ if } or %{ for } directive of the template being parsed.
struct Directive {
  size_t offset;
  bool is_for;
  bool has_else = false;
};

/// One piece of a heredoc: a literal run (up to and including a newline) or a
/// ${...} / %{...} sequence as written (then `token` is its index in the tokens).
struct HeredocPiece {
  std::string text;
  bool literal = true;
  size_t token = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text);

  /// Parses the whole text as a .tf file.
  Result<Body, trailwatch::ParseError> ParseFile();
  /// Parses the whole text as one expression.
  Result<ExprPtr, trailwatch::ParseError> ParseWholeExpression();
  /// Parses the whole text as a template file.
  Result<ExprPtr, trailwatch::ParseError> ParseWholeTemplate();

 private:
  /// Something opened and not yet closed, for "never closed" errors; also
  /// what the nesting limit counts. `what` is empty for operators.
  struct Open {
    size_t offset;
    std::string_view what;
    std::string_view name;
  };

  /// RAII: enters one nesting level (fails past kMaxDepth), leaves it on scope exit.
  class Scope {
   public:
    Scope(Parser* parser, size_t offset, std::string_view what, std::string_view name = {});
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    bool ok() const { return entered_; }

   private:
    Parser* parser_;
    bool entered_;
  };

  // ---- cursor and errors (hcl.cpp) -------------------------------------------
  bool AtEnd() const { return i_ >= s_.size(); }
  /// The byte `ahead` bytes after the cursor, or '\0' past the end (a real
  /// NUL byte is an error anywhere but in a comment, so it cannot be misread).
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  bool StartsWith(std::string_view token) const { return s_.substr(i_, token.size()) == token; }
  /// True if the cursor is at `word` followed by a non-identifier byte.
  bool AtKeyword(std::string_view word) const;
  bool AtNewline() const { return Peek() == '\n' || (Peek() == '\r' && Peek(1) == '\n'); }
  void SkipNewline() { i_ += Peek() == '\r' ? size_t{2} : size_t{1}; }
  /// Skips spaces, tabs and comments, and newlines too when `newlines` is
  /// kSkip. Fails only on an unterminated /* comment.
  [[nodiscard]] bool SkipSpace(Newlines newlines);
  /// REQUIRES: IsIdentStart(Peek()). Returns the identifier, a view of the source.
  std::string_view ReadIdent();

  Pos PosAt(size_t offset) const;
  std::string PosText(size_t offset) const;
  /// Names the token at `offset` for an error message: "'}'", "end of line"...
  std::string Describe(size_t offset) const;
  /// Records the first error; always returns false.
  bool Fail(size_t offset, std::string message);
  /// "expected X, found Y"; at the end of the file, names the innermost
  /// construct left open instead.
  bool FailExpected(size_t offset, std::string_view expected);

  // ---- structure (hcl.cpp) --------------------------------------------------
  /// Attributes and blocks up to the end of the file (top) or the '}' that
  /// closes the enclosing block (consumed).
  bool ParseBody(std::vector<Attribute>* attributes, std::vector<Block>* blocks, bool top);
  bool ParseAttribute(std::string_view name, size_t name_at, Attribute* attribute);
  bool ParseBlock(std::string_view type, size_t type_at, Block* block);
  /// After an attribute or block: a newline, the end of the file, or (inside
  /// a block) the closing '}', which is left for the caller.
  bool ParseItemEnd(bool top, std::string_view what, std::string_view name);

  // ---- expressions (hcl_expr.cpp) -------------------------------------------
  bool ParseExpr(Node* out, Newlines newlines);
  bool ParseBinary(Node* out, int min_level, Newlines newlines);
  bool ParseUnary(Node* out, Newlines newlines);
  bool ParsePostfix(Node* out, Newlines newlines);
  bool ParsePrimary(Node* out, Newlines newlines);
  bool ParseNumber(Node* out);
  bool ParseCall(Node* out, std::string_view name);
  bool ParseTuple(Node* out);
  bool ParseObject(Node* out);
  /// `for k, v in coll : ...` up to and including `close`; the cursor is at `for`.
  bool ParseForRest(Node* out, char close);
  /// `k, v in coll` after the `for` of a for expression or a %{ for } directive.
  /// With one name, it is the value's and `key_name` is left empty.
  bool ParseForIntro(std::string* key_name, std::string* value_name, Node* collection);
  /// Turns `out` into a kExpression ending at `end`.
  static void MakeExpression(Node* out, size_t end);
  /// Fills the text of a kReference or kExpression from the source.
  void Finish(Node* node) const;
  /// The map key a parsed key expression stands for.
  std::string KeyText(const Node& key) const;

  // ---- templates (hcl_template.cpp) -----------------------------------------
  bool ParseQuoted(Node* out);
  bool ParseHeredoc(Node* out);
  /// Sets the value and the tree of a heredoc from its pieces.
  void FinishHeredoc(Node* out, std::vector<HeredocPiece> pieces, std::vector<TemplateToken> sequences,
                     bool is_template, bool flush) const;
  /// At "${" or "%{": parses the sequence, appends its source text to `out`
  /// and its token to `tokens`. `directives` holds the open %{ if } / %{ for }
  /// of the template.
  bool ParseSequence(std::string* out, std::vector<Directive>* directives, std::vector<TemplateToken>* tokens);
  /// Sets the tree of a parsed string or heredoc: a literal, or a template.
  void SetTemplateAst(Node* out, std::vector<TemplateToken> tokens, bool is_template, bool flush) const;
  /// Checks that the whole text was used and turns the first error into a result.
  Result<ExprPtr, trailwatch::ParseError> FinishWhole(bool ok, const Node& node);
  /// Records a NUL or invalid UTF-8 byte outside comments as the error,
  /// unless the parser stopped at something earlier. Returns `ok` && no such byte.
  bool CheckBadBytes(bool ok);
  /// At '\\': appends the character the escape stands for to `out`.
  bool ParseEscape(std::string* out);
  /// True if the line at the cursor is `delimiter` alone (spaces around it
  /// allowed); sets `*after` to the offset just past the delimiter.
  bool AtHeredocEnd(std::string_view delimiter, size_t* after) const;
  bool CheckDirectivesClosed(const std::vector<Directive>& directives);

  std::string_view s_;
  size_t i_ = 0;
  std::vector<size_t> line_starts_;
  std::vector<Open> open_;
  /// Offsets of NUL and invalid UTF-8 bytes; those before bad_next_ are in comments.
  std::vector<size_t> bad_;
  size_t bad_next_ = 0;
  bool failed_ = false;
  size_t error_cursor_ = 0;  // how far the parser had read when it failed
  trailwatch::ParseError error_;
};

// Character classes shared by the three files. Identifiers are ASCII letters,
// '_', or any non-ASCII character (the input is valid UTF-8), then also digits and '-'.
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
inline bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }

/// Removes the common leading whitespace of the lines of a `<<-` heredoc, as
/// HCL does: blank lines do not count, a line starting with a sequence counts as zero.
void DedentHeredoc(std::vector<HeredocPiece>* pieces);
/// The same on texts: each a literal piece, or null for a sequence.
void DedentLines(const std::vector<std::string*>& texts);

}  // namespace trailwatch::ruleset::hcl::internal
