// terraform_module: parsing a module's folder once, and what the names of a
// module instance mean: variables, locals, resources (as objects of their
// configured attributes, per count/for_each instance), data sources (unknown
// offline), path.* and terraform.workspace; count/for_each and dynamic
// blocks. Module calls and rule loading are in terraform_calls.cpp.
#include "ruleset/terraform_module.h"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

namespace trailwatch::ruleset::tf {
namespace {

std::string Where(const std::string& file, hcl::Pos pos) { return fmt::format("{}:{}:{}", file, pos.line, pos.column); }

RuleError ErrorAt(const std::string& file, hcl::Pos pos, std::string message) {
  return RuleError{SourceLoc{file, pos.line, pos.column}, std::move(message)};
}

template <typename T>
void Declare(std::map<std::string, Decl<T>, std::less<>>* table, const std::string& name, const T* node,
             const std::string* file, hcl::Pos pos, std::string_view what, ParsedModule* module) {
  const auto [it, fresh] = table->emplace(name, Decl<T>{node, file});
  if (!fresh) {
    module->errors.push_back(ErrorAt(*file, pos, fmt::format("{} \"{}\" is declared twice (first at {})", what, name,
                                                             Where(*it->second.file, it->second.node->pos))));
  }
}

void CollectDeclarations(ModuleFile* file, ParsedModule* module) {
  const std::string* name = &file->path;
  for (const hcl::Block& b : file->body.blocks) {
    const size_t want = b.type == "resource" || b.type == "data" ? 2 : 1;
    const bool declares = b.type == "variable" || b.type == "resource" || b.type == "data" || b.type == "module" ||
                          b.type == "output";
    if (declares && b.labels.size() != want) {
      module->errors.push_back(ErrorAt(*name, b.pos, fmt::format("a {} block needs {} label{}", b.type, want,
                                                                 want == 1 ? " (its name)" : "s (type and name)")));
      continue;
    }
    if (b.type == "variable") Declare(&module->variables, b.labels[0], &b, name, b.pos, "variable", module);
    if (b.type == "module") Declare(&module->modules, b.labels[0], &b, name, b.pos, "module", module);
    if (b.type == "output") Declare(&module->outputs, b.labels[0], &b, name, b.pos, "output", module);
    if (b.type == "resource") {
      Declare(&module->resources, b.labels[0] + "." + b.labels[1], &b, name, b.pos, "resource", module);
    }
    if (b.type == "data") Declare(&module->data, b.labels[0] + "." + b.labels[1], &b, name, b.pos, "data source", module);
    if (b.type == "locals") {
      for (const hcl::Attribute& a : b.attributes) Declare(&module->locals, a.name, &a, name, a.pos, "local", module);
    }
  }
}

// Terraform's form of an instance key: [0] or ["key"].
std::string KeySuffix(const Value& key) {
  if (key.kind() == Value::Kind::kNumber) return "[" + FormatNumber(key.number()) + "]";
  std::string out = "[\"";
  for (char c : key.str()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"]";
}

bool IsMetaAttribute(std::string_view name) {
  return name == "count" || name == "for_each" || name == "depends_on" || name == "provider";
}

}  // namespace

const ParsedModule* ModuleCache::Get(const std::string& dir, std::string* error) {
  if (const auto it = modules_.find(dir); it != modules_.end()) return it->second.get();
  if (const auto it = failures_.find(dir); it != failures_.end()) {
    *error = it->second;
    return nullptr;
  }
  auto names = files_.List(dir);
  auto module = std::make_unique<ParsedModule>();
  module->dir = dir;
  if (names.ok()) {
    for (const std::string& name : names.value()) {
      if (!name.ends_with(".tf") || name.starts_with(".")) continue;
      auto file = std::make_unique<ModuleFile>();
      file->path = dir.empty() ? name : JoinPath(dir, name);
      auto text = files_.Read(file->path);
      if (!text.ok()) {
        module->errors.push_back(RuleError{SourceLoc{file->path, 0, 0}, Why(text.error())});
        continue;
      }
      auto body = hcl::Parse(text.value());
      if (!body.ok()) {
        module->errors.push_back(ErrorAt(file->path, {body.error().line, body.error().column}, body.error().message));
        continue;
      }
      file->body = std::move(body).value();
      module->files.push_back(std::move(file));
    }
  }
  if (!names.ok() || (module->files.empty() && module->errors.empty())) {
    *error = names.ok() ? std::string("the folder has no .tf file") : Why(names.error());
    failures_.emplace(dir, *error);
    return nullptr;
  }
  for (const auto& file : module->files) CollectDeclarations(file.get(), module.get());
  return modules_.emplace(dir, std::move(module)).first->second.get();
}

Result<std::vector<Instance>, RuleError> ExpandInstances(const hcl::Block& block, const Context& ctx,
                                                         Evaluator* evaluator, size_t limit, Repetition* repetition) {
  const hcl::Attribute* count = block.FindAttribute("count");
  const hcl::Attribute* for_each = block.FindAttribute("for_each");
  *repetition = Repetition::kNone;
  if (count == nullptr && for_each == nullptr) return std::vector<Instance>{{"", Value(), ctx.bindings}};
  if (count != nullptr && for_each != nullptr) {
    return Evaluator::Error(ctx, for_each->pos, "count and for_each cannot both be set");
  }
  const hcl::Attribute& a = count ? *count : *for_each;
  EvalResult v = evaluator->Eval(*a.value.expr, ctx);
  if (!v.ok()) return v.error();
  if (const Value* u = FindUnknown(v.value()); u != nullptr && (count || u == &v.value())) {
    return Evaluator::Error(ctx, a.value.pos, fmt::format("{}: {}", a.name, u->str()));
  }
  std::vector<Instance> out;
  if (count != nullptr) {
    *repetition = Repetition::kCount;
    auto n = AsNumber(v.value());
    if (!n.ok()) return Evaluator::Error(ctx, a.value.pos, "count: " + Why(n.error()));
    if (n.value() < 0 || n.value() != std::floor(n.value())) {
      return Evaluator::Error(ctx, a.value.pos, "count must be a whole number >= 0");
    }
    if (n.value() > static_cast<double>(limit)) {
      return Evaluator::Error(ctx, a.value.pos, fmt::format("count {} is more than trailwatch loads ({})",
                                                            FormatNumber(n.value()), limit));
    }
    for (size_t i = 0; i < static_cast<size_t>(n.value()); ++i) {
      const Value index = Value::Number(static_cast<double>(i));
      out.push_back({KeySuffix(index), index, Bind("count", Value::Map({{"index", index}}), ctx.bindings)});
    }
    return out;
  }
  *repetition = Repetition::kForEach;
  const Value& each = v.value();
  if (each.size() > limit) {
    return Evaluator::Error(ctx, a.value.pos, fmt::format("for_each has more than {} items", limit));
  }
  if (each.kind() == Value::Kind::kMap) {
    for (const auto& [key, value] : each.entries()) {
      const Value k = Value::String(key);
      out.push_back({KeySuffix(k), k, Bind("each", Value::Map({{"key", k}, {"value", value}}), ctx.bindings)});
    }
    return out;
  }
  if (each.kind() == Value::Kind::kSet) {
    for (const Value& item : each.items()) {
      if (item.is_unknown()) return Evaluator::Error(ctx, a.value.pos, "for_each: " + item.str());
      if (item.kind() != Value::Kind::kString) {
        return Evaluator::Error(ctx, a.value.pos, fmt::format("for_each needs a set of strings, and it has a {}",
                                                              item.TypeName()));
      }
      out.push_back({KeySuffix(item), item, Bind("each", Value::Map({{"key", item}, {"value", item}}), ctx.bindings)});
    }
    return out;
  }
  return Evaluator::Error(ctx, a.value.pos,
                          fmt::format("for_each needs a map or a set of strings, not a {}{}", each.TypeName(),
                                      each.kind() == Value::Kind::kList ? " (convert it with toset())" : ""));
}

Result<std::vector<NestedBlock>, RuleError> ExpandBlocks(const hcl::Block& parent, std::string_view type,
                                                         const Context& ctx, Evaluator* evaluator) {
  std::vector<NestedBlock> out;
  for (const hcl::Block& b : parent.blocks) {
    if (b.type == type) {
      out.push_back({&b, ctx});
      continue;
    }
    if (b.type != "dynamic" || b.labels.size() != 1 || b.labels[0] != type) continue;
    const hcl::Attribute* for_each = b.FindAttribute("for_each");
    const hcl::Attribute* iterator = b.FindAttribute("iterator");
    const hcl::Block* content = nullptr;
    for (const hcl::Block& inner : b.blocks) {
      if (inner.type == "content") content = &inner;
    }
    if (for_each == nullptr || content == nullptr) {
      return Evaluator::Error(ctx, b.pos, fmt::format("dynamic \"{}\" needs for_each and a content block", type));
    }
    std::string name(type);
    if (iterator != nullptr) {
      if (!iterator->value.expr || iterator->value.expr->kind != hcl::Expr::Kind::kVariable) {
        return Evaluator::Error(ctx, iterator->value.pos, "iterator must be a name");
      }
      name = iterator->value.expr->text;
    }
    EvalResult v = evaluator->Eval(*for_each->value.expr, ctx);
    if (!v.ok()) return v.error();
    const Value& each = v.value();
    if (each.is_unknown()) {
      return Evaluator::Error(ctx, for_each->value.pos, fmt::format("dynamic \"{}\" for_each: {}", type, each.str()));
    }
    const auto add = [&](Value key, const Value& value) {
      Context inner = ctx;
      inner.bindings = Bind(name, Value::Map({{"key", std::move(key)}, {"value", value}}), ctx.bindings);
      out.push_back({content, std::move(inner)});
    };
    if (each.kind() == Value::Kind::kMap) {
      for (const auto& [key, value] : each.entries()) add(Value::String(key), value);
    } else if (each.kind() == Value::Kind::kList) {
      double index = 0;
      for (const Value& item : each.items()) add(Value::Number(index++), item);
    } else if (each.kind() == Value::Kind::kSet) {
      for (const Value& item : each.items()) add(item, item);
    } else if (!each.is_null()) {
      return Evaluator::Error(ctx, for_each->value.pos,
                              fmt::format("dynamic \"{}\" for_each needs a list, set or map, not a {}", type,
                                          each.TypeName()));
    }
  }
  return out;
}

std::vector<std::string> NestedTypes(const hcl::Block& block) {
  std::vector<std::string> out;
  for (const hcl::Block& b : block.blocks) {
    std::string type = b.type == "dynamic" && b.labels.size() == 1 ? b.labels[0] : b.type;
    if (type == "lifecycle" || type == "provisioner" || type == "connection" || type == "dynamic") continue;
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(std::move(type));
  }
  return out;
}

Result<std::string> ModuleInstance::ReadFile(const std::string& path) {
  return state_->cache->files().Read(state_->root_dir.empty() ? path : JoinPath(state_->root_dir, path));
}

EvalResult ModuleInstance::Resolve(const hcl::Expr& root, std::span<const hcl::Step> steps, const Context& ctx,
                                   Evaluator* evaluator, size_t* used) {
  const std::string& name = root.text;
  const auto attr = [&](size_t i) { return i < steps.size() && steps[i].kind == hcl::Step::Kind::kAttr; };
  const auto need = [&](size_t n, std::string_view form) -> std::optional<RuleError> {
    for (size_t i = 0; i < n; ++i) {
      if (!attr(i)) return Evaluator::Error(ctx, root.pos, fmt::format("{} is used as {}", name, form));
    }
    *used = n;
    return std::nullopt;
  };
  *used = 0;
  if (name == "var" || name == "local" || name == "module" || name == "path" || name == "terraform") {
    if (auto e = need(1, name + ".NAME")) return *e;
    const std::string& what = steps[0].name;
    if (name == "var") return Variable(what, root.pos, ctx);
    if (name == "local") return Local(what, root.pos, ctx, evaluator);
    if (name == "module") return ModuleValue(what, root.pos, ctx);
    if (name == "terraform" && what == "workspace") return Value::String("default");
    if (name == "path" && (what == "module" || what == "root" || what == "cwd")) {
      // Relative to the root folder, Terraform's working directory.
      const std::string& dir = module_->dir;
      const std::string& root_dir = state_->root_dir;
      if (what != "module" || dir == root_dir) return Value::String(".");
      if (root_dir.empty()) return Value::String(dir);
      const std::string relative = std::filesystem::path(dir).lexically_relative(root_dir).generic_string();
      return Value::String(relative.empty() ? dir : relative);
    }
    return Evaluator::Error(ctx, steps[0].pos, fmt::format("{}.{} is not something Terraform defines", name, what));
  }
  if (name == "data") {
    if (auto e = need(2, "data.TYPE.NAME")) return *e;
    const std::string key = steps[0].name + "." + steps[1].name;
    const auto it = module_->data.find(key);
    if (it == module_->data.end()) {
      return Evaluator::Error(ctx, root.pos, fmt::format("reference to undeclared data source data.{}", key));
    }
    return Value::Unknown(fmt::format("data.{} is read from AWS when Terraform plans, which trailwatch does not do "
                                      "offline: pass the value with -var NAME=..., or use terraform show -json",
                                      key),
                          Evaluator::Origin(ctx, root.pos), "data." + key);
  }
  if (name == "count" || name == "each") {
    return Evaluator::Error(ctx, root.pos, fmt::format("{} can only be used in a resource or module that sets {}", name,
                                                       name == "count" ? "count" : "for_each"));
  }
  if (name == "self") return Value::Unknown("self is known only after terraform apply", Evaluator::Origin(ctx, root.pos), "self");
  if (!attr(0)) return Evaluator::Error(ctx, root.pos, fmt::format("unknown name \"{}\"", name));
  *used = 1;
  return Resource(name + "." + steps[0].name, root.pos, ctx, evaluator);
}

EvalResult ModuleInstance::Variable(const std::string& name, hcl::Pos pos, const Context& ctx) {
  const auto it = variables_.find(name);
  if (it != variables_.end()) return it->second;
  return Evaluator::Error(ctx, pos,
                          fmt::format("reference to undeclared input variable \"{}\": this module has no variable "
                                      "\"{}\" block",
                                      name, name));
}

EvalResult ModuleInstance::Local(const std::string& name, hcl::Pos pos, const Context& ctx,
                                 Evaluator* evaluator) {
  const auto decl = module_->locals.find(name);
  if (decl == module_->locals.end()) {
    return Evaluator::Error(ctx, pos, fmt::format("reference to undeclared local value local.{}", name));
  }
  Memo& memo = locals_[name];
  if (memo.state == Memo::State::kBusy) {
    return Evaluator::Error(ctx, pos, fmt::format("local.{} refers to itself (a cycle of references)", name));
  }
  if (memo.state == Memo::State::kTodo) {
    memo.state = Memo::State::kBusy;
    Context inner;
    inner.file = decl->second.file;
    EvalResult v = evaluator->Eval(*decl->second.node->value.expr, inner);
    Memo& done = locals_[name];
    done.value = std::move(v);
    done.state = Memo::State::kDone;
  }
  return locals_[name].value;
}

EvalResult ModuleInstance::Resource(const std::string& key, hcl::Pos pos, const Context& ctx,
                                    Evaluator* evaluator) {
  const auto decl = module_->resources.find(key);
  if (decl == module_->resources.end()) {
    return Evaluator::Error(ctx, pos, fmt::format("reference to undeclared resource {}", key));
  }
  Memo& memo = resources_[key];
  if (memo.state == Memo::State::kBusy) {
    return Evaluator::Error(ctx, pos, fmt::format("{} refers to itself (a cycle of references)", key));
  }
  if (memo.state == Memo::State::kTodo) {
    memo.state = Memo::State::kBusy;
    EvalResult v = ResourceValue(decl->second, key, evaluator);
    Memo& done = resources_[key];
    done.value = std::move(v);
    done.state = Memo::State::kDone;
  }
  return resources_[key].value;
}

EvalResult ModuleInstance::ResourceValue(const Decl<hcl::Block>& decl, const std::string& key, Evaluator* evaluator) {
  Context ctx;
  ctx.file = decl.file;
  Repetition repetition = Repetition::kNone;
  auto instances = ExpandInstances(*decl.node, ctx, evaluator, kMaxResourceInstances, &repetition);
  if (!instances.ok()) return instances.error();
  Value::Items list;
  Value::Entries map;
  for (const Instance& instance : instances.value()) {
    Context inner = ctx;
    inner.bindings = instance.bindings;
    Value object = InstanceObject(*decl.node, inner, evaluator, Prefix() + key + instance.suffix, 0);
    if (repetition == Repetition::kNone) return object;
    if (repetition == Repetition::kCount) {
      list.push_back(std::move(object));
    } else {
      map.emplace(instance.key.str(), std::move(object));
    }
  }
  return repetition == Repetition::kCount ? Value::List(std::move(list)) : Value::Map(std::move(map));
}

Value ModuleInstance::InstanceObject(const hcl::Block& block, const Context& ctx, Evaluator* evaluator,
                                     std::string address, int depth) {
  Value::Entries entries;
  for (const hcl::Attribute& a : block.attributes) {
    if (depth == 0 && IsMetaAttribute(a.name)) continue;
    EvalResult v = evaluator->Eval(*a.value.expr, ctx);
    entries.emplace(a.name, v.ok() ? std::move(v).value() : Value::Failed(v.error().message, v.error().loc.Describe()));
  }
  for (const std::string& type : NestedTypes(block)) {
    auto nested = ExpandBlocks(block, type, ctx, evaluator);
    if (!nested.ok()) {
      entries.emplace(type, Value::Failed(nested.error().message, nested.error().loc.Describe()));
      continue;
    }
    Value::Items items;
    for (const NestedBlock& nb : nested.value()) {
      const std::string at = fmt::format("{}.{}[{}]", address, type, items.size());
      items.push_back(InstanceObject(*nb.block, nb.ctx, evaluator, at, depth + 1));
    }
    entries.emplace(type, Value::List(std::move(items)));
  }
  // The AWS provider names these resources by their names.
  if (depth == 0 && block.labels.size() == 2 && (block.labels[0] == kFilterType || block.labels[0] == kAlarmType)) {
    const auto name = entries.find(block.labels[0] == kFilterType ? "name" : "alarm_name");
    if (name != entries.end()) entries.emplace("id", name->second);
  }
  return Value::Resource(std::move(entries), std::move(address));
}

}  // namespace trailwatch::ruleset::tf
