// terraform_vars: the values of input variables as Terraform assigns them:
// defaults, terraform.tfvars, terraform.tfvars.json and *.auto.tfvars(.json)
// of the root folder, then -var and -var-file in command-line order; each
// converted to the variable's declared type. A -var value is a literal
// string unless the variable's type is a collection, as in Terraform.
#include <simdjson.h>

#include <fmt/format.h>

#include "ruleset/terraform_module.h"

namespace trailwatch::ruleset::tf {
namespace {

using VarMap = std::map<std::string, Value, std::less<>>;

// The primitive type name of a type expression (string, number, bool, any), or "".
std::string_view PrimitiveType(const hcl::Expr* type) {
  if (type == nullptr || type->kind != hcl::Expr::Kind::kVariable) return {};
  return type->text;
}

const hcl::Expr* TypeOf(const hcl::Block& variable) {
  const hcl::Attribute* type = variable.FindAttribute("type");
  return type ? type->value.expr.get() : nullptr;
}

Result<Value, std::string> Convert(const Value& v, const hcl::Expr* type, int depth);

// object({ a = string, b = optional(number, 1) }): the attributes the type
// names, converted; a missing optional() one gets its default (or null).
Result<Value, std::string> ConvertObject(const Value& v, const hcl::Expr& attributes, int depth) {
  if (v.kind() != Value::Kind::kMap) return fmt::format("an object is needed, not a {}", v.TypeName());
  if (attributes.kind != hcl::Expr::Kind::kObject) return v;
  Value::Entries out;
  for (const auto& [key, attr_type] : attributes.entries) {
    if (key->kind != hcl::Expr::Kind::kString) return v;
    const std::string& name = key->text;
    const hcl::Expr* type = attr_type.get();
    const bool optional = type->kind == hcl::Expr::Kind::kCall && type->text == "optional" && !type->args.empty();
    if (optional) type = type->args[0].get();
    const auto it = v.entries().find(name);
    if (it == v.entries().end() && !optional) return fmt::format("attribute \"{}\" is required", name);
    Value item = it != v.entries().end() ? it->second : Value();
    if (item.is_null() && optional && type != attr_type->args.back().get()) {
      Budget budget;
      Evaluator evaluator(nullptr, &budget);
      const std::string file;
      Context ctx;
      ctx.file = &file;
      EvalResult d = evaluator.Eval(*attr_type->args.back(), ctx);
      if (!d.ok()) return fmt::format("the default of \"{}\": {}", name, d.error().message);
      item = std::move(d).value();
    }
    auto c = Convert(item, type, depth + 1);
    if (!c.ok()) return fmt::format("attribute \"{}\": {}", name, c.error());
    out.emplace(name, std::move(c).value());
  }
  return Value::Map(std::move(out));
}

Result<Value, std::string> Convert(const Value& v, const hcl::Expr* type, int depth) {
  if (type == nullptr || v.is_null() || v.is_unknown() || depth > 8) return v;
  const std::string_view primitive = PrimitiveType(type);
  if (primitive == "string") {
    auto s = AsString(v);
    if (!s.ok()) return Why(s.error());
    return Value::String(std::move(s).value());
  }
  if (primitive == "number") {
    auto d = AsNumber(v);
    if (!d.ok()) return Why(d.error());
    return Value::Number(d.value());
  }
  if (primitive == "bool") {
    auto b = AsBool(v);
    if (!b.ok()) return Why(b.error());
    return Value::Bool(b.value());
  }
  if (type->kind != hcl::Expr::Kind::kCall || type->args.size() != 1) return v;  // any, tuple(...)
  const std::string& kind = type->text;
  const hcl::Expr* element = type->args[0].get();
  if (kind == "object") return ConvertObject(v, *element, depth);
  if (kind == "list" || kind == "set") {
    if (v.kind() != Value::Kind::kList && v.kind() != Value::Kind::kSet) {
      return fmt::format("a {} is needed, not a {}", kind, v.TypeName());
    }
    Value::Items items;
    for (const Value& item : v.items()) {
      auto c = Convert(item, element, depth + 1);
      if (!c.ok()) return c.error();
      items.push_back(std::move(c).value());
    }
    return kind == "set" ? Value::Set(std::move(items)) : Value::List(std::move(items));
  }
  if (kind == "map") {
    if (v.kind() != Value::Kind::kMap) return fmt::format("a map is needed, not a {}", v.TypeName());
    Value::Entries entries;
    for (const auto& [key, item] : v.entries()) {
      auto c = Convert(item, element, depth + 1);
      if (!c.ok()) return c.error();
      entries.emplace(key, std::move(c).value());
    }
    return Value::Map(std::move(entries));
  }
  return v;
}

Result<Value, std::string> FromJson(simdjson::dom::element e, uint32_t depth) {
  if (depth > kMaxValueDepth) return std::string("the JSON nests too deeply");
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return Value();
    case simdjson::dom::element_type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b)) return std::string("not a bool");
      return Value::Bool(b);
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (e.get_string().get(s)) return std::string("not a string");
      return Value::String(std::string(s));
    }
    case simdjson::dom::element_type::ARRAY: {
      Value::Items items;
      simdjson::dom::array array;
      if (e.get_array().get(array)) return std::string("not an array");
      for (simdjson::dom::element item : array) {
        auto v = FromJson(item, depth + 1);
        if (!v.ok()) return v;
        items.push_back(std::move(v).value());
      }
      return Value::List(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      Value::Entries entries;
      simdjson::dom::object object;
      if (e.get_object().get(object)) return std::string("not an object");
      for (auto [key, item] : object) {
        auto v = FromJson(item, depth + 1);
        if (!v.ok()) return v;
        entries.insert_or_assign(std::string(key), std::move(v).value());
      }
      return Value::Map(std::move(entries));
    }
    default: {
      double d = 0;
      if (e.get_double().get(d)) return std::string("a number out of range");
      return Value::Number(d);
    }
  }
}

// Sets `name` from a variables file or the command line; `what` names the source in messages.
void Assign(const ParsedModule& module, const std::string& name, Result<Value, std::string> value, const SourceLoc& at,
            VarMap* values, RuleSet* rules) {
  const auto decl = module.variables.find(name);
  if (decl == module.variables.end()) {
    rules->warnings.push_back({at, fmt::format("a value for \"{}\", which the module in {} does not declare (ignored)",
                                               name, module.dir.empty() ? "." : module.dir)});
    return;
  }
  if (value.ok()) value = ConvertToVariableType(value.value(), *decl->second.node);
  if (!value.ok()) {
    rules->errors.push_back({at, fmt::format("variable \"{}\": {}", name, value.error())});
    return;
  }
  values->insert_or_assign(name, std::move(value).value());
}

void ApplyJsonFile(const ParsedModule& module, const std::string& text, const std::string& path, VarMap* values,
                   RuleSet* rules) {
  const simdjson::padded_string json(text);
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (auto err = parser.parse(json).get_object().get(object)) {
    rules->errors.push_back({{path, 1, 1}, fmt::format("not a JSON object of variable values: {}",
                                                       simdjson::error_message(err))});
    return;
  }
  for (auto [key, item] : object) {
    Assign(module, std::string(key), FromJson(item, 0), SourceLoc{path, 0, 0}, values, rules);
  }
}

void ApplyHclFile(const ParsedModule& module, const std::string& text, const std::string& path, Budget* budget,
                  VarMap* values, RuleSet* rules) {
  auto body = hcl::Parse(text);
  if (!body.ok()) {
    rules->errors.push_back({{path, body.error().line, body.error().column}, body.error().message});
    return;
  }
  for (const hcl::Block& b : body.value().blocks) {
    rules->errors.push_back({{path, b.pos.line, b.pos.column}, "a variables file holds only NAME = value lines"});
  }
  Evaluator evaluator(nullptr, budget);
  Context ctx;
  ctx.file = &path;
  for (const hcl::Attribute& a : body.value().attributes) {
    EvalResult v = evaluator.Eval(*a.value.expr, ctx);
    if (!v.ok()) {
      rules->errors.push_back(v.error());
      continue;
    }
    Assign(module, a.name, std::move(v).value(), SourceLoc{path, a.pos.line, a.pos.column}, values, rules);
  }
}

void ApplyFile(const ParsedModule& module, const std::string& text, const std::string& path, Budget* budget,
               VarMap* values, RuleSet* rules) {
  if (path.ends_with(".json")) {
    ApplyJsonFile(module, text, path, values, rules);
  } else {
    ApplyHclFile(module, text, path, budget, values, rules);
  }
}

// -var NAME=VALUE for a declared variable.
void ApplyVarArgument(const ParsedModule& module, const std::string& arg, Budget* budget, VarMap* values,
                      RuleSet* rules) {
  const size_t eq = arg.find('=');
  const SourceLoc at{"-var " + arg, 0, 0};
  if (eq == std::string::npos || eq == 0) return;  // reported once by LoadRulePaths
  const std::string name = arg.substr(0, eq);
  const std::string text = arg.substr(eq + 1);
  const auto decl = module.variables.find(name);
  if (decl == module.variables.end()) return;  // for another root; LoadRulePaths checks that one declares it
  const hcl::Expr* type = TypeOf(*decl->second.node);
  if (type == nullptr || !PrimitiveType(type).empty()) {
    Assign(module, name, Value::String(text), at, values, rules);
    return;
  }
  auto expr = hcl::ParseExpression(text);
  if (!expr.ok()) {
    rules->errors.push_back({at, fmt::format("variable \"{}\" has a {} type, so its value is an expression: {}", name,
                                             type->text, expr.error().Describe())});
    return;
  }
  Evaluator evaluator(nullptr, budget);
  Context ctx;
  ctx.file = &at.file;
  EvalResult v = evaluator.Eval(*expr.value(), ctx);
  if (!v.ok()) {
    rules->errors.push_back({at, v.error().message});
    return;
  }
  Assign(module, name, std::move(v).value(), at, values, rules);
}

}  // namespace

void CheckVariableArgs(const RuleLoadOptions& options, const std::set<std::string>& declared, RuleSet* rules) {
  const DiskFiles disk;
  for (const VariableArg& arg : options.variables) {
    if (arg.kind == VariableArg::Kind::kFile) {
      if (auto text = disk.Read(arg.text); !text.ok()) rules->errors.push_back({{arg.text, 0, 0}, "-var-file: " + Why(text.error())});
      continue;
    }
    const size_t eq = arg.text.find('=');
    if (eq == std::string::npos || eq == 0) {
      rules->errors.push_back({{"-var " + arg.text, 0, 0}, "a -var value is written NAME=VALUE"});
    } else if (declared.count(arg.text.substr(0, eq)) == 0) {
      rules->errors.push_back({{"-var " + arg.text, 0, 0},
                               fmt::format("no loaded Terraform module declares a variable \"{}\"",
                                           arg.text.substr(0, eq))});
    }
  }
}

Result<Value, std::string> ConvertToVariableType(const Value& value, const hcl::Block& variable) {
  auto v = Convert(value, TypeOf(variable), 0);
  if (!v.ok()) return fmt::format("the value does not fit the variable's type: {}", v.error());
  return v;
}

Value VariableDefault(const Decl<hcl::Block>& decl, const std::string& name, Budget* budget) {
  const hcl::Attribute* def = decl.node->FindAttribute("default");
  if (def == nullptr) {
    return Value::Unknown(fmt::format("var.{} has no value: pass -var {}=... or -var-file FILE, give it a default, "
                                      "or use terraform show -json",
                                      name, name),
                          fmt::format("{}:{}:{}", *decl.file, decl.node->pos.line, decl.node->pos.column),
                          "var." + name);
  }
  Evaluator evaluator(nullptr, budget);
  Context ctx;
  ctx.file = decl.file;
  EvalResult v = evaluator.Eval(*def->value.expr, ctx);
  if (!v.ok()) return Value::Failed(v.error().message, v.error().loc.Describe());
  auto converted = ConvertToVariableType(v.value(), *decl.node);
  if (!converted.ok()) return Value::Failed("the default of var." + name + ": " + converted.error(), Evaluator::Origin(ctx, def->value.pos));
  return std::move(converted).value();
}

VarMap RootVariables(const ParsedModule& module, const SourceFiles& files, const RuleLoadOptions& options,
                     Budget* budget, RuleSet* rules) {
  VarMap values;
  for (const auto& [name, decl] : module.variables) values.emplace(name, VariableDefault(decl, name, budget));
  // Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name.
  std::vector<std::string> auto_files;
  if (auto names = files.List(module.dir); names.ok()) {
    for (const char* first : {"terraform.tfvars", "terraform.tfvars.json"}) {
      if (std::find(names.value().begin(), names.value().end(), first) != names.value().end()) {
        auto_files.emplace_back(first);
      }
    }
    for (const std::string& name : names.value()) {
      if (name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json")) auto_files.push_back(name);
    }
  }
  for (const std::string& name : auto_files) {
    const std::string path = module.dir.empty() ? name : JoinPath(module.dir, name);
    auto text = files.Read(path);
    if (!text.ok()) {
      rules->errors.push_back({{path, 0, 0}, Why(text.error())});
      continue;
    }
    ++rules->files;
    ApplyFile(module, text.value(), path, budget, &values, rules);
  }
  const DiskFiles disk;
  for (const VariableArg& arg : options.variables) {
    if (arg.kind == VariableArg::Kind::kValue) {
      ApplyVarArgument(module, arg.text, budget, &values, rules);
      continue;
    }
    auto text = disk.Read(arg.text);
    if (!text.ok()) continue;  // reported once, by CheckVariableArgs
    ApplyFile(module, text.value(), arg.text, budget, &values, rules);
  }
  return values;
}

}  // namespace trailwatch::ruleset::tf
