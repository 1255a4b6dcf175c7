// hcl_eval: evaluates HCL expression trees (hcl_ast.h) to Terraform values
// (tf_value.h): operators, conditionals, templates with directives, for
// expressions, splats, indexes, and function calls (hcl_functions.cpp).
// What names mean (var.x, local.x, aws_x.y, module.m...) is the Scope's
// business (ruleset/terraform_module); local names (for variables, each,
// count, dynamic block iterators, templatefile's variables) are Bindings.
//
// Bounded on hostile input: every evaluation counts against a Budget (steps
// and nesting, references included), strings are at most kMaxString bytes,
// collections kMaxItems items and kMaxValueDepth levels deep.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruleset/hcl_ast.h"
#include "ruleset/tf_value.h"
#include "trailwatch/rules.h"
#include "trailwatch/status.h"

namespace trailwatch::ruleset::tf {

inline constexpr int kMaxEvalDepth = 200;
inline constexpr size_t kMaxString = size_t{1} << 20;
inline constexpr size_t kMaxItems = 100000;
inline constexpr uint32_t kMaxValueDepth = 64;

using EvalResult = Result<Value, RuleError>;

/// Local names, innermost first: an immutable linked list.
struct Binding {
  std::string name;
  Value value;
  std::shared_ptr<const Binding> next;
};
using Bindings = std::shared_ptr<const Binding>;
Bindings Bind(std::string name, Value value, Bindings next);

/// Work left for one load: evaluation steps, and the current nesting.
struct Budget {
  int64_t steps = 4'000'000;
  int depth = 0;
};

/// Where an expression is evaluated: its file (for positions) and its local names.
struct Context {
  const std::string* file = nullptr;
  Bindings bindings;
  bool in_templatefile = false;  ///< templatefile() may not call itself
};

class Evaluator;

/// What non-local names mean, and how files are read.
class Scope {
 public:
  virtual ~Scope() = default;
  /// Resolves the reference whose root is `root` (a kVariable) followed by
  /// `steps`: sets *used to the number of steps it took (var.x takes one,
  /// aws_x.y one, data.t.n two) and returns the value.
  virtual EvalResult Resolve(const hcl::Expr& root, std::span<const hcl::Step> steps, const Context& ctx,
                             Evaluator* evaluator, size_t* used) = 0;
  /// Reads a file for file() / templatefile(); `path` as written.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
};

class Evaluator {
 public:
  Evaluator(Scope* scope, Budget* budget) : scope_(scope), budget_(budget) {}

  EvalResult Eval(const hcl::Expr& expr, const Context& ctx);
  /// Evaluates a template's parts (also used by templatefile).
  EvalResult EvalTemplate(const std::vector<hcl::TemplatePart>& parts, const hcl::Expr& at, const Context& ctx);

  /// "file:line:col" of `pos` in the context's file.
  static std::string Origin(const Context& ctx, hcl::Pos pos);
  static RuleError Error(const Context& ctx, hcl::Pos pos, std::string message);

  /// Charges `n` steps (plus the size of strings built); an error when the budget is spent.
  bool Charge(int64_t n) { return (budget_->steps -= n) >= 0; }
  Scope* scope() const { return scope_; }

 private:
  EvalResult EvalInner(const hcl::Expr& expr, const Context& ctx);
  EvalResult EvalVariable(const hcl::Expr& expr, std::span<const hcl::Step> steps, const Context& ctx,
                          size_t* used);
  EvalResult EvalTraversal(const hcl::Expr& expr, const Context& ctx);
  EvalResult ApplySteps(Value v, std::span<const hcl::Step> steps, const hcl::Expr& at, const Context& ctx);
  EvalResult ApplyStep(const Value& v, const hcl::Step& step, const hcl::Expr& at, const Context& ctx);
  EvalResult EvalBinary(const hcl::Expr& expr, const Context& ctx);
  EvalResult EvalFor(const hcl::Expr& expr, const Context& ctx);
  EvalResult EvalObject(const hcl::Expr& expr, const Context& ctx);
  EvalResult EvalCall(const hcl::Expr& expr, const Context& ctx);
  EvalResult EvalSpecialCall(const hcl::Expr& expr, const Context& ctx, bool* handled);
  EvalResult TemplateFile(const std::vector<Value>& args, const hcl::Expr& expr, const Context& ctx);
  EvalResult AppendParts(const std::vector<hcl::TemplatePart>& parts, const Context& ctx, std::string* out);

  Scope* scope_;
  Budget* budget_;
};

/// Calls a built-in function (merge, join, format...; not file, templatefile,
/// try and can, which the Evaluator handles). Null result pointer... see .cpp:
/// returns false in *known if the function does not exist. Errors name `ctx`/`pos`.
EvalResult CallFunction(std::string_view name, const std::vector<Value>& args, const Context& ctx, hcl::Pos pos,
                        Evaluator* evaluator, bool* known);

/// The message of a failed conversion, as a string.
inline std::string Why(const Status& status) { return std::string(status.message()); }
/// Converts for a field or an argument that wants a string / number / bool.
Result<std::string> AsString(const Value& v);
Result<double> AsNumber(const Value& v);
Result<bool> AsBool(const Value& v);

}  // namespace trailwatch::ruleset::tf
