// hcl_call: function calls: argument expansion, unknown arguments, the
// functions that need the evaluator (try, can, file, templatefile), and the
// message for a function trailwatch does not evaluate.
#include <algorithm>

#include <fmt/format.h>

#include "ruleset/hcl_functions.h"

namespace trailwatch::ruleset::tf {
namespace functions {

RuleError Call::Fail(std::string_view message) const {
  return Evaluator::Error(*ctx, pos, fmt::format("{}(): {}", name, message));
}

bool Call::Charge(size_t n) const { return evaluator->Charge(static_cast<int64_t>(n)); }

Result<std::string, RuleError> StringArg(const std::vector<Value>& args, size_t i, const Call& call) {
  auto s = AsString(args[i]);
  if (!s.ok()) return call.Fail(fmt::format("argument {}: {}", i + 1, Why(s.error())));
  return std::move(s).value();
}

Result<double, RuleError> NumberArg(const std::vector<Value>& args, size_t i, const Call& call) {
  auto d = AsNumber(args[i]);
  if (!d.ok()) return call.Fail(fmt::format("argument {}: {}", i + 1, Why(d.error())));
  return d.value();
}

Result<Value::Items, RuleError> ListArg(const std::vector<Value>& args, size_t i, const Call& call) {
  const Value& v = args[i];
  if (v.kind() == Value::Kind::kList || v.kind() == Value::Kind::kSet) return v.items();
  return call.Fail(fmt::format("argument {}: a list or set is needed, not a {}", i + 1, v.TypeName()));
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

EvalResult StringResult(std::string s, const Call& call) {
  if (s.size() > kMaxString) return call.Fail(fmt::format("the result is longer than {} bytes", kMaxString));
  if (!call.Charge(s.size() / 64)) return call.Fail("evaluation too large");
  return Value::String(std::move(s));
}

namespace {

const Function* Find(std::string_view name) {
  for (std::span<const Function> table : {CollectionFunctions(), TextFunctions()}) {
    for (const Function& f : table) {
      if (f.name == name) return &f;
    }
  }
  return nullptr;
}

}  // namespace
}  // namespace functions

EvalResult CallFunction(std::string_view name, const std::vector<Value>& args, const Context& ctx, hcl::Pos pos,
                        Evaluator* evaluator, bool* known) {
  const functions::Function* f = functions::Find(name);
  *known = f != nullptr;
  if (f == nullptr) return Value();
  const functions::Call call{name, &ctx, pos, evaluator};
  const auto n = static_cast<int>(args.size());
  if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
    const std::string wanted = f->max_args < 0                ? fmt::format("at least {}", f->min_args)
                               : f->min_args == f->max_args ? fmt::format("{}", f->min_args)
                                                              : fmt::format("{} to {}", f->min_args, f->max_args);
    return call.Fail(fmt::format("takes {} argument{}, not {}", wanted, wanted == "1" ? "" : "s", n));
  }
  for (const Value& arg : args) {
    if (arg.is_unknown()) return arg;
    if (!f->structural) {
      if (const Value* u = FindUnknown(arg)) return *u;
    }
  }
  if (!call.Charge(args.size())) return call.Fail("evaluation too large");
  return f->fn(args, call);
}

EvalResult Evaluator::EvalCall(const hcl::Expr& expr, const Context& ctx) {
  bool handled = false;
  EvalResult special = EvalSpecialCall(expr, ctx, &handled);
  if (handled) return special;
  std::vector<Value> args;
  for (size_t k = 0; k < expr.args.size(); ++k) {
    EvalResult v = Eval(*expr.args[k], ctx);
    if (!v.ok()) return v;
    if (expr.expand_last && k + 1 == expr.args.size()) {  // f(a, list...)
      const Value& last = v.value();
      if (last.is_unknown()) return last;
      if (last.kind() != Value::Kind::kList && last.kind() != Value::Kind::kSet) {
        return Error(ctx, expr.args[k]->pos, fmt::format("'...' expands a list or set, not a {}", last.TypeName()));
      }
      args.insert(args.end(), last.items().begin(), last.items().end());
    } else {
      args.push_back(std::move(v).value());
    }
  }
  if (expr.text == "file" || expr.text == "templatefile") {
    if (args.empty() || args.size() > (expr.text == "file" ? 1u : 2u)) {
      return Error(ctx, expr.pos, fmt::format("{}(): wrong number of arguments", expr.text));
    }
    for (const Value& arg : args) {
      if (const Value* u = FindUnknown(arg)) return *u;
    }
    auto path = AsString(args[0]);
    if (!path.ok()) return Error(ctx, expr.pos, fmt::format("{}(): {}", expr.text, Why(path.error())));
    if (expr.text == "templatefile") return TemplateFile(args, expr, ctx);
    auto text = scope_ ? scope_->ReadFile(path.value()) : Result<std::string>(Status::NotFound("no files here"));
    if (!text.ok()) return Error(ctx, expr.pos, fmt::format("file(): {}", Why(text.error())));
    if (text.value().size() > kMaxString) return Error(ctx, expr.pos, "file(): the file is larger than 1 MiB");
    return Value::String(std::move(text).value());
  }
  bool known = false;
  EvalResult r = CallFunction(expr.text, args, ctx, expr.pos, this, &known);
  if (known) return r;
  const bool provider = expr.text.find("::") != std::string::npos;
  return Value::Unknown(
      fmt::format("{} {}() is not evaluated offline by trailwatch: write its result as a literal or pass it with "
                  "-var, or use terraform show -json",
                  provider ? "the provider function" : "the function", expr.text),
      Origin(ctx, expr.pos), expr.text + "(...)");
}

EvalResult Evaluator::EvalSpecialCall(const hcl::Expr& expr, const Context& ctx, bool* handled) {
  *handled = expr.text == "try" || expr.text == "can";
  if (!*handled) return Value();
  if (expr.args.empty() || (expr.text == "can" && expr.args.size() != 1) || expr.expand_last) {
    return Error(ctx, expr.pos, fmt::format("{}(): wrong arguments", expr.text));
  }
  // try: the first argument that evaluates without an error; can: whether
  // its argument does. An unknown value might still fail, so it stays unknown.
  RuleError last;
  for (const hcl::ExprPtr& arg : expr.args) {
    EvalResult v = Eval(*arg, ctx);
    if (budget_->steps < 0) return v;  // a spent budget is not an error to recover from
    const bool failed = !v.ok() || (v.value().is_unknown() && v.value().failed());
    if (!failed) {
      if (expr.text == "can" && !v.value().is_unknown()) return Value::Bool(true);
      return v;
    }
    if (expr.text == "can") return Value::Bool(false);
    last = v.ok() ? RuleError{{}, v.value().str()} : v.error();
  }
  return Error(ctx, expr.pos, "try(): no argument could be evaluated; the last one failed with: " + last.message);
}

EvalResult Evaluator::TemplateFile(const std::vector<Value>& args, const hcl::Expr& expr, const Context& ctx) {
  if (ctx.in_templatefile) {
    return Error(ctx, expr.pos, "templatefile(): a template file cannot call templatefile() (no recursion)");
  }
  const std::string path = args[0].str();
  Value::Entries vars;
  if (args.size() == 2) {
    if (args[1].kind() != Value::Kind::kMap) {
      return Error(ctx, expr.pos, fmt::format("templatefile(): the variables must be a map, not a {}",
                                              args[1].TypeName()));
    }
    vars = args[1].entries();
  }
  auto text = scope_ ? scope_->ReadFile(path) : Result<std::string>(Status::NotFound("no files here"));
  if (!text.ok()) return Error(ctx, expr.pos, "templatefile(): " + Why(text.error()));
  auto parsed = hcl::ParseTemplate(text.value());
  if (!parsed.ok()) {
    const ParseError& e = parsed.error();
    return RuleError{SourceLoc{path, e.line, e.column}, "templatefile(): " + e.message};
  }
  Context inner;
  inner.file = &path;
  inner.in_templatefile = true;
  for (auto& [name, value] : vars) inner.bindings = Bind(name, value, inner.bindings);
  const hcl::Expr& tree = *parsed.value();
  EvalResult r = tree.kind == hcl::Expr::Kind::kTemplate ? EvalTemplate(tree.parts, tree, inner) : Eval(tree, inner);
  if (!r.ok() && r.error().loc.file == path) {  // say which call read the template
    RuleError e = r.error();
    e.message += fmt::format(" (in the template read by templatefile() at {})", Origin(ctx, expr.pos));
    return e;
  }
  return r;
}

}  // namespace trailwatch::ruleset::tf
