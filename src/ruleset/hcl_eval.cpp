// hcl_eval: the expression evaluator: literals, templates, references and
// their steps (attributes, indexes, splats), operators, conditionals, for
// expressions, and calls (with try, can, file and templatefile, which need
// the evaluator itself). Unknown values flow through every operation.
#include "ruleset/hcl_eval.h"

#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace trailwatch::ruleset::tf {

using hcl::Expr;
using hcl::Step;
using hcl::TemplatePart;

Bindings Bind(std::string name, Value value, Bindings next) {
  return std::make_shared<const Binding>(Binding{std::move(name), std::move(value), std::move(next)});
}

Result<std::string> AsString(const Value& v) {
  if (std::optional<std::string> s = ToText(v)) return std::move(*s);
  if (v.is_null()) return Status::InvalidArgument("the value is null, a string is needed");
  return Status::InvalidArgument(fmt::format("a {} is not a string", v.TypeName()));
}

Result<double> AsNumber(const Value& v) {
  if (v.kind() == Value::Kind::kNumber) return v.number();
  if (v.kind() == Value::Kind::kString) {
    const std::string& s = v.str();
    char* end = nullptr;
    const double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && !std::isspace(static_cast<unsigned char>(s[0]))) return d;
    return Status::InvalidArgument(fmt::format("\"{}\" is not a number", s));
  }
  if (v.is_null()) return Status::InvalidArgument("the value is null, a number is needed");
  return Status::InvalidArgument(fmt::format("a {} is not a number", v.TypeName()));
}

Result<bool> AsBool(const Value& v) {
  if (v.kind() == Value::Kind::kBool) return v.boolean();
  if (v.kind() == Value::Kind::kString && (v.str() == "true" || v.str() == "false")) return v.str() == "true";
  if (v.is_null()) return Status::InvalidArgument("the value is null, true or false is needed");
  return Status::InvalidArgument(fmt::format("a {} is not true or false", v.TypeName()));
}

std::string Evaluator::Origin(const Context& ctx, hcl::Pos pos) {
  return fmt::format("{}:{}:{}", ctx.file ? *ctx.file : std::string(), pos.line, pos.column);
}

RuleError Evaluator::Error(const Context& ctx, hcl::Pos pos, std::string message) {
  return RuleError{SourceLoc{ctx.file ? *ctx.file : std::string(), pos.line, pos.column}, std::move(message)};
}

namespace {

// RAII: one level of evaluation nesting.
class Nesting {
 public:
  explicit Nesting(Budget* budget) : budget_(budget) { ++budget_->depth; }
  ~Nesting() { --budget_->depth; }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;

 private:
  Budget* budget_;
};

// The items a for expression or a splat walks: (key, value) pairs.
bool Iterate(const Value& collection, std::vector<std::pair<Value, Value>>* out) {
  switch (collection.kind()) {
    case Value::Kind::kList: {
      double index = 0;
      for (const Value& item : collection.items()) out->emplace_back(Value::Number(index++), item);
      return true;
    }
    case Value::Kind::kSet:
      for (const Value& item : collection.items()) out->emplace_back(item, item);
      return true;
    case Value::Kind::kMap:
      for (const auto& [key, item] : collection.entries()) out->emplace_back(Value::String(key), item);
      return true;
    default: return false;
  }
}

}  // namespace

EvalResult Evaluator::Eval(const Expr& expr, const Context& ctx) {
  if (budget_->depth >= kMaxEvalDepth) {
    return Error(ctx, expr.pos, fmt::format("expressions and references nest deeper than {} levels", kMaxEvalDepth));
  }
  if (!Charge(1)) return Error(ctx, expr.pos, "evaluation too large: the step budget of one load is spent");
  Nesting nesting(budget_);
  EvalResult result = EvalInner(expr, ctx);
  if (result.ok() && result.value().depth() > kMaxValueDepth) {
    return Error(ctx, expr.pos, fmt::format("a value nests collections deeper than {} levels", kMaxValueDepth));
  }
  if (result.ok() && result.value().size() > kMaxItems) {
    return Error(ctx, expr.pos, fmt::format("a collection of more than {} items", kMaxItems));
  }
  return result;
}

EvalResult Evaluator::EvalInner(const Expr& expr, const Context& ctx) {
  switch (expr.kind) {
    case Expr::Kind::kNull: return Value();
    case Expr::Kind::kBool: return Value::Bool(expr.boolean);
    case Expr::Kind::kNumber: return Value::Number(expr.number);
    case Expr::Kind::kString: return Value::String(expr.text);
    case Expr::Kind::kTemplate: return EvalTemplate(expr.parts, expr, ctx);
    case Expr::Kind::kVariable: {
      size_t used = 0;
      return EvalVariable(expr, {}, ctx, &used);
    }
    case Expr::Kind::kTraversal: return EvalTraversal(expr, ctx);
    case Expr::Kind::kCall: return EvalCall(expr, ctx);
    case Expr::Kind::kTuple: {
      Value::Items items;
      for (const hcl::ExprPtr& item : expr.args) {
        EvalResult v = Eval(*item, ctx);
        if (!v.ok()) return v;
        items.push_back(std::move(v).value());
      }
      return Value::List(std::move(items));
    }
    case Expr::Kind::kObject: return EvalObject(expr, ctx);
    case Expr::Kind::kUnary: {
      EvalResult v = Eval(*expr.args[0], ctx);
      if (!v.ok() || v.value().is_unknown()) return v;
      if (expr.unary == hcl::UnaryOp::kNegate) {
        auto n = AsNumber(v.value());
        if (!n.ok()) return Error(ctx, expr.pos, "'-' needs a number: " + Why(n.error()));
        return Value::Number(-n.value());
      }
      auto b = AsBool(v.value());
      if (!b.ok()) return Error(ctx, expr.pos, "'!' needs a bool: " + Why(b.error()));
      return Value::Bool(!b.value());
    }
    case Expr::Kind::kBinary: return EvalBinary(expr, ctx);
    case Expr::Kind::kConditional: {
      EvalResult condition = Eval(*expr.args[0], ctx);
      if (!condition.ok() || condition.value().is_unknown()) return condition;
      auto b = AsBool(condition.value());
      if (!b.ok()) return Error(ctx, expr.args[0]->pos, "the condition of '? :' must be true or false: " + Why(b.error()));
      return Eval(*expr.args[b.value() ? 1 : 2], ctx);
    }
    case Expr::Kind::kFor: return EvalFor(expr, ctx);
  }
  return Error(ctx, expr.pos, "unknown expression");
}

EvalResult Evaluator::EvalVariable(const Expr& expr, std::span<const Step> steps, const Context& ctx, size_t* used) {
  *used = 0;
  for (const Binding* b = ctx.bindings.get(); b != nullptr; b = b->next.get()) {
    if (b->name == expr.text) return b->value;
  }
  if (ctx.in_templatefile || scope_ == nullptr) {
    return Error(ctx, expr.pos,
                 fmt::format("unknown name \"{}\"{}", expr.text,
                             ctx.in_templatefile ? ": a template file sees only the variables templatefile() passes it"
                                                 : ""));
  }
  return scope_->Resolve(expr, steps, ctx, this, used);
}

EvalResult Evaluator::EvalTraversal(const Expr& expr, const Context& ctx) {
  const std::span<const Step> steps(expr.steps);
  if (expr.base->kind == Expr::Kind::kVariable) {
    size_t used = 0;
    EvalResult root = EvalVariable(*expr.base, steps, ctx, &used);
    if (!root.ok()) return root;
    return ApplySteps(std::move(root).value(), steps.subspan(used), expr, ctx);
  }
  EvalResult base = Eval(*expr.base, ctx);
  if (!base.ok()) return base;
  return ApplySteps(std::move(base).value(), steps, expr, ctx);
}

EvalResult Evaluator::ApplySteps(Value v, std::span<const Step> steps, const Expr& at, const Context& ctx) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (v.is_unknown()) return v;
    const Step& step = steps[i];
    if (step.kind != Step::Kind::kSplat && step.kind != Step::Kind::kAttrSplat) {
      EvalResult next = ApplyStep(v, step, at, ctx);
      if (!next.ok()) return next;
      v = std::move(next).value();
      continue;
    }
    // A splat applies the steps after it (all of them for [*], the
    // attributes for .*) to each item; a single value counts as one item.
    size_t end = i + 1;
    if (step.kind == Step::Kind::kSplat) {
      end = steps.size();
    } else {
      while (end < steps.size() && steps[end].kind == Step::Kind::kAttr) ++end;
    }
    Value::Items items;
    if (v.kind() == Value::Kind::kList || v.kind() == Value::Kind::kSet) {
      items = v.items();
    } else if (!v.is_null()) {
      items.push_back(v);
    }
    if (!Charge(static_cast<int64_t>(items.size()))) return Error(ctx, step.pos, "evaluation too large");
    Value::Items out;
    for (const Value& item : items) {
      EvalResult r = ApplySteps(item, steps.subspan(i + 1, end - i - 1), at, ctx);
      if (!r.ok()) return r;
      out.push_back(std::move(r).value());
    }
    v = Value::List(std::move(out));
    i = end - 1;
  }
  return v;
}

EvalResult Evaluator::ApplyStep(const Value& v, const Step& step, const Expr& at, const Context& ctx) {
  if (step.kind == Step::Kind::kAttr) {
    if (v.kind() == Value::Kind::kMap) {
      const auto it = v.entries().find(step.name);
      if (it != v.entries().end()) return it->second;
      if (!v.address().empty()) {
        return Value::Unknown(fmt::format("{}.{} is known only after terraform apply (the configuration does not "
                                          "set it): write the value itself, or use terraform show -json",
                                          v.address(), step.name),
                              Origin(ctx, step.pos), at.text);
      }
      return Error(ctx, step.pos, fmt::format("this object has no attribute \"{}\"", step.name));
    }
    if (v.kind() == Value::Kind::kList || v.kind() == Value::Kind::kSet) {
      return Error(ctx, step.pos,
                   fmt::format("cannot take attribute \"{}\" of a {} (a resource or module with count or "
                               "for_each is one): pick one item first ([0], [\"key\"]) or take it from all ([*].{})",
                               step.name, v.TypeName(), step.name));
    }
    return Error(ctx, step.pos, fmt::format("cannot take attribute \"{}\" of a {}", step.name, v.TypeName()));
  }
  EvalResult key = Eval(*step.key, ctx);
  if (!key.ok() || key.value().is_unknown()) return key;
  if (v.kind() == Value::Kind::kList) {
    auto n = AsNumber(key.value());
    if (!n.ok()) return Error(ctx, step.pos, "a list index must be a number: " + Why(n.error()));
    const double d = n.value();
    if (d != std::floor(d) || d < 0 || d >= static_cast<double>(v.items().size())) {
      return Error(ctx, step.pos, fmt::format("index {} is out of range for a list of {} items", FormatNumber(d),
                                              v.items().size()));
    }
    return v.items()[static_cast<size_t>(d)];
  }
  if (v.kind() == Value::Kind::kMap) {
    auto k = AsString(key.value());
    if (!k.ok()) return Error(ctx, step.pos, "a map key must be a string: " + Why(k.error()));
    const auto it = v.entries().find(k.value());
    if (it != v.entries().end()) return it->second;
    return Error(ctx, step.pos, fmt::format("no key \"{}\" in this map", k.value()));
  }
  if (v.kind() == Value::Kind::kSet) {
    return Error(ctx, step.pos, "a set has no indexes: convert it with tolist() first");
  }
  return Error(ctx, step.pos, fmt::format("cannot index a {}", v.TypeName()));
}

EvalResult Evaluator::EvalBinary(const Expr& expr, const Context& ctx) {
  using Op = hcl::BinaryOp;
  EvalResult first = Eval(*expr.args[0], ctx);
  if (!first.ok()) return first;
  Value left = std::move(first).value();
  for (size_t k = 0; k < expr.ops.size(); ++k) {
    const Op op = expr.ops[k];
    const hcl::Pos pos = expr.args[k + 1]->pos;
    // && and || do not evaluate their right side when the left decides.
    if ((op == Op::kAnd || op == Op::kOr) && left.kind() == Value::Kind::kBool && left.boolean() == (op == Op::kOr)) {
      continue;
    }
    EvalResult rhs = Eval(*expr.args[k + 1], ctx);
    if (!rhs.ok()) return rhs;
    const Value right = std::move(rhs).value();
    if (left.is_unknown()) continue;
    if (right.is_unknown()) {
      left = right;
      continue;
    }
    if (op == Op::kEqual || op == Op::kNotEqual) {
      const Value* u = FindUnknown(left) ? FindUnknown(left) : FindUnknown(right);
      if (u != nullptr) {
        left = *u;
      } else {
        left = Value::Bool((left == right) == (op == Op::kEqual));
      }
      continue;
    }
    if (op == Op::kAnd || op == Op::kOr) {
      auto a = AsBool(left), b = AsBool(right);
      if (!a.ok() || !b.ok()) {
        return Error(ctx, pos, fmt::format("'{}' needs true or false: {}", op == Op::kAnd ? "&&" : "||",
                                           Why(a.ok() ? b.error() : a.error())));
      }
      left = Value::Bool(op == Op::kAnd ? a.value() && b.value() : a.value() || b.value());
      continue;
    }
    auto a = AsNumber(left), b = AsNumber(right);
    if (!a.ok() || !b.ok()) return Error(ctx, pos, "arithmetic and comparison need numbers: " + Why(a.ok() ? b.error() : a.error()));
    const double x = a.value(), y = b.value();
    switch (op) {
      case Op::kLess: left = Value::Bool(x < y); break;
      case Op::kLessEqual: left = Value::Bool(x <= y); break;
      case Op::kGreater: left = Value::Bool(x > y); break;
      case Op::kGreaterEqual: left = Value::Bool(x >= y); break;
      case Op::kAdd: left = Value::Number(x + y); break;
      case Op::kSubtract: left = Value::Number(x - y); break;
      case Op::kMultiply: left = Value::Number(x * y); break;
      case Op::kDivide:
      case Op::kModulo:
        if (y == 0) return Error(ctx, pos, "division by zero");
        left = Value::Number(op == Op::kDivide ? x / y : std::fmod(x, y));
        break;
      default: break;
    }
  }
  return left;
}

EvalResult Evaluator::EvalFor(const Expr& expr, const Context& ctx) {
  const hcl::ForClause& f = *expr.for_clause;
  EvalResult collection = Eval(*f.collection, ctx);
  if (!collection.ok() || collection.value().is_unknown()) return collection;
  std::vector<std::pair<Value, Value>> items;
  if (!Iterate(collection.value(), &items)) {
    return Error(ctx, f.collection->pos,
                 fmt::format("a for expression needs a list, set or map, not a {}", collection.value().TypeName()));
  }
  if (!Charge(static_cast<int64_t>(items.size()))) return Error(ctx, expr.pos, "evaluation too large");
  Value::Items list;
  std::map<std::string, Value::Items, std::less<>> groups;
  Value::Entries object;
  for (auto& [key, value] : items) {
    Context inner = ctx;
    inner.bindings = Bind(f.value_name, std::move(value), ctx.bindings);
    if (!f.key_name.empty()) inner.bindings = Bind(f.key_name, std::move(key), inner.bindings);
    if (f.condition) {
      EvalResult keep = Eval(*f.condition, inner);
      if (!keep.ok() || keep.value().is_unknown()) return keep;
      auto b = AsBool(keep.value());
      if (!b.ok()) return Error(ctx, f.condition->pos, "the 'if' of a for expression must be true or false: " + Why(b.error()));
      if (!b.value()) continue;
    }
    EvalResult v = Eval(*f.value, inner);
    if (!v.ok()) return v;
    if (!f.object_for) {
      list.push_back(std::move(v).value());
      continue;
    }
    EvalResult k = Eval(*f.key, inner);
    if (!k.ok() || k.value().is_unknown()) return k;
    auto name = AsString(k.value());
    if (!name.ok()) return Error(ctx, f.key->pos, "the key of a for expression must be a string: " + Why(name.error()));
    if (f.grouping) {
      groups[name.value()].push_back(std::move(v).value());
    } else if (!object.emplace(name.value(), std::move(v).value()).second) {
      return Error(ctx, f.key->pos,
                   fmt::format("duplicate key \"{}\" in a for expression (write '...' after the value to group the "
                               "values of equal keys)",
                               name.value()));
    }
  }
  if (!f.object_for) return Value::List(std::move(list));
  for (auto& [key, group] : groups) object.emplace(key, Value::List(std::move(group)));
  return Value::Map(std::move(object));
}

EvalResult Evaluator::EvalObject(const Expr& expr, const Context& ctx) {
  Value::Entries entries;
  for (const auto& [key_expr, value_expr] : expr.entries) {
    EvalResult key = Eval(*key_expr, ctx);
    if (!key.ok() || key.value().is_unknown()) return key;
    auto name = AsString(key.value());
    if (!name.ok()) return Error(ctx, key_expr->pos, "a map key must be a string: " + Why(name.error()));
    EvalResult value = Eval(*value_expr, ctx);
    if (!value.ok()) return value;
    if (!entries.emplace(name.value(), std::move(value).value()).second) {
      return Error(ctx, key_expr->pos, fmt::format("the key \"{}\" is given twice", name.value()));
    }
  }
  return Value::Map(std::move(entries));
}

EvalResult Evaluator::EvalTemplate(const std::vector<TemplatePart>& parts, const Expr& at, const Context& ctx) {
  // A template that is one interpolation is its value, unconverted ("${var.map}").
  if (parts.size() == 1 && parts[0].kind == TemplatePart::Kind::kInterpolation) return Eval(*parts[0].expr, ctx);
  std::string out;
  EvalResult r = AppendParts(parts, ctx, &out);
  if (!r.ok() || r.value().is_unknown()) return r;
  (void)at;
  return Value::String(std::move(out));
}

EvalResult Evaluator::AppendParts(const std::vector<TemplatePart>& parts, const Context& ctx, std::string* out) {
  for (const TemplatePart& part : parts) {
    if (part.kind == TemplatePart::Kind::kLiteral) {
      out->append(part.literal);
    } else if (part.kind == TemplatePart::Kind::kInterpolation) {
      EvalResult v = Eval(*part.expr, ctx);
      if (!v.ok() || v.value().is_unknown()) return v;
      if (v.value().is_null()) return Error(ctx, part.pos, "a template cannot include a null value");
      std::optional<std::string> s = ToText(v.value());
      if (!s) {
        return Error(ctx, part.pos, fmt::format("a template cannot include a {}: use join() or jsonencode()",
                                                v.value().TypeName()));
      }
      out->append(*s);
    } else if (part.kind == TemplatePart::Kind::kIf) {
      EvalResult condition = Eval(*part.expr, ctx);
      if (!condition.ok() || condition.value().is_unknown()) return condition;
      auto b = AsBool(condition.value());
      if (!b.ok()) return Error(ctx, part.pos, "the condition of %{ if } must be true or false: " + Why(b.error()));
      EvalResult r = AppendParts(b.value() ? part.body : part.else_body, ctx, out);
      if (!r.ok() || r.value().is_unknown()) return r;
    } else {
      EvalResult collection = Eval(*part.expr, ctx);
      if (!collection.ok() || collection.value().is_unknown()) return collection;
      std::vector<std::pair<Value, Value>> items;
      if (!Iterate(collection.value(), &items)) {
        return Error(ctx, part.pos, fmt::format("%{{ for }} needs a list, set or map, not a {}",
                                                collection.value().TypeName()));
      }
      for (auto& [key, value] : items) {
        Context inner = ctx;
        inner.bindings = Bind(part.value_name, std::move(value), ctx.bindings);
        if (!part.key_name.empty()) inner.bindings = Bind(part.key_name, std::move(key), inner.bindings);
        EvalResult r = AppendParts(part.body, inner, out);
        if (!r.ok() || r.value().is_unknown()) return r;
      }
    }
    if (out->size() > kMaxString) {
      return Error(ctx, part.pos, fmt::format("a string longer than {} bytes", kMaxString));
    }
    if (!Charge(static_cast<int64_t>(out->size() / 256))) return Error(ctx, part.pos, "evaluation too large");
  }
  return Value();
}

}  // namespace trailwatch::ruleset::tf
