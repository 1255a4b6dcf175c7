// terraform_calls: module blocks (local sources only, with count/for_each,
// arguments checked against the called module's variables, cycles and depth
// refused), module outputs, and loading the rules of a module instance and
// of the modules it calls; the entry point for one root module.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "ruleset/terraform_module.h"

namespace trailwatch::ruleset::tf {

struct ModuleInstance::Call {
  bool expanded = false;
  bool reported = false;
  std::vector<RuleError> errors;  // reported by LoadRules, once
  Repetition repetition = Repetition::kNone;
  std::vector<std::pair<Value, std::unique_ptr<ModuleInstance>>> instances;
};

ModuleInstance::ModuleInstance(LoadState* state, const ParsedModule* module, std::string address,
                               std::vector<std::string> ancestors)
    : state_(state), module_(module), address_(std::move(address)), ancestors_(std::move(ancestors)) {}

ModuleInstance::~ModuleInstance() = default;

namespace {

bool IsCallMeta(std::string_view name) {
  return name == "source" || name == "version" || name == "count" || name == "for_each" || name == "providers" ||
         name == "depends_on";
}

// Reports a module's parse errors and duplicate declarations once. When
// only some files of a root are loaded, the others are context: their
// problems are warnings (a reference that needed them fails on its own).
void ReportModuleErrors(const ParsedModule& module, RuleSet* rules, const std::set<std::string, std::less<>>* only) {
  if (module.errors_reported) return;
  module.errors_reported = true;
  rules->files += only == nullptr ? module.files.size() : only->size();
  for (const RuleError& e : module.errors) {
    if (only == nullptr || only->count(e.loc.file) != 0) {
      rules->errors.push_back(e);
    } else {
      rules->warnings.push_back({e.loc, e.message + " (in a file of the same module, read as context only)"});
    }
  }
}

}  // namespace

namespace {

// The folder a module block calls: a local source, not on the call chain
// (`chain`: the calling modules' folders, this one last), not too deep.
Result<std::string, RuleError> CallDir(const std::string& name, const hcl::Block& block, const Context& ctx,
                                       const std::vector<std::string>& chain) {
  const auto fail = [&](hcl::Pos pos, const std::string& message) {
    return Evaluator::Error(ctx, pos, fmt::format("module \"{}\": {}", name, message));
  };
  const hcl::Attribute* source = block.FindAttribute("source");
  if (source == nullptr) return fail(block.pos, "no source");
  if (!source->value.expr || source->value.expr->kind != hcl::Expr::Kind::kString) {
    return fail(source->value.pos, "source must be a literal string");
  }
  const std::string& path = source->value.expr->text;
  if (!path.starts_with("./") && !path.starts_with("../")) {
    return fail(source->value.pos,
                fmt::format("source \"{}\" is not a local path (./ or ../), and trailwatch does not download "
                            "modules: run terraform init and plan, then load terraform show -json of the plan, or "
                            "copy the module into a folder of yours",
                            path));
  }
  const std::string dir = JoinPath(chain.back(), path);
  if (std::find(chain.begin(), chain.end(), dir) != chain.end()) {
    std::string cycle;
    for (const std::string& d : chain) cycle += (d.empty() ? "." : d) + " -> ";
    return fail(source->value.pos,
                fmt::format("source \"{}\" is a module already being loaded (a cycle: {}{})", path, cycle, dir));
  }
  if (chain.size() >= kMaxModuleDepth) {
    return fail(source->value.pos, fmt::format("modules nest deeper than {} levels", kMaxModuleDepth));
  }
  return dir;
}

// The values of the called module's variables for one instance: the block's
// arguments (evaluated in the caller), or the defaults. `report` is false
// for all instances but the first, so that a missing argument is reported once.
std::map<std::string, Value, std::less<>> CallArguments(const std::string& name, const hcl::Block& block,
                                                        const ParsedModule& child, const Context& ctx,
                                                        Evaluator* evaluator, Budget* budget, bool report,
                                                        std::vector<RuleError>* errors) {
  std::map<std::string, Value, std::less<>> values;
  for (const auto& [var, var_decl] : child.variables) {
    const hcl::Attribute* arg = block.FindAttribute(var);
    if (arg == nullptr) {
      Value v = VariableDefault(var_decl, var, budget);
      if (v.is_unknown() && !v.failed() && report) {
        errors->push_back(Evaluator::Error(ctx, block.pos,
                                           fmt::format("module \"{}\": no value for the required variable \"{}\" of "
                                                       "the module in {}",
                                                       name, var, child.dir)));
      }
      values.emplace(var, std::move(v));
      continue;
    }
    EvalResult v = evaluator->Eval(*arg->value.expr, ctx);
    auto converted = v.ok() ? ConvertToVariableType(v.value(), *var_decl.node) : Result<Value, std::string>(Value());
    if (!v.ok()) {
      errors->push_back(v.error());
      values.emplace(var, Value::Failed(v.error().message, v.error().loc.Describe()));
    } else if (!converted.ok()) {
      errors->push_back(Evaluator::Error(ctx, arg->value.pos,
                                         fmt::format("module \"{}\": {}", name, converted.error())));
      values.emplace(var, Value::Failed(converted.error(), Evaluator::Origin(ctx, arg->value.pos)));
    } else {
      values.emplace(var, std::move(converted).value());
    }
  }
  return values;
}

}  // namespace

ModuleInstance::Call& ModuleInstance::ExpandCall(const std::string& name) {
  std::unique_ptr<Call>& slot = calls_[name];
  if (!slot) slot = std::make_unique<Call>();
  Call& call = *slot;
  if (call.expanded) return call;
  call.expanded = true;
  const Decl<hcl::Block>& decl = module_->modules.find(name)->second;
  const hcl::Block& block = *decl.node;
  Context ctx;
  ctx.file = decl.file;
  std::vector<std::string> chain = ancestors_;
  chain.push_back(module_->dir);
  auto dir = CallDir(name, block, ctx, chain);
  if (!dir.ok()) {
    call.errors.push_back(dir.error());
    return call;
  }
  std::string error;
  const ParsedModule* child = state_->cache->Get(dir.value(), &error);
  if (child == nullptr) {
    const hcl::Attribute* source = block.FindAttribute("source");
    call.errors.push_back(Evaluator::Error(ctx, source->value.pos,
                                           fmt::format("module \"{}\": source \"{}\" ({}): {}", name,
                                                       source->value.expr->text, dir.value(), error)));
    return call;
  }
  ReportModuleErrors(*child, state_->rules, nullptr);
  for (const hcl::Attribute& a : block.attributes) {
    if (!IsCallMeta(a.name) && child->variables.find(a.name) == child->variables.end()) {
      call.errors.push_back(Evaluator::Error(
          ctx, a.pos, fmt::format("module \"{}\": the module in {} has no variable \"{}\"", name, dir.value(), a.name)));
    }
  }
  Evaluator evaluator(this, &state_->budget);
  auto instances = ExpandInstances(block, ctx, &evaluator, kMaxModuleInstances, &call.repetition);
  if (!instances.ok()) {
    call.errors.push_back(instances.error());
    return call;
  }
  for (const Instance& instance : instances.value()) {
    if (++state_->module_instances > kMaxModuleInstances) {
      call.errors.push_back(Evaluator::Error(
          ctx, block.pos, fmt::format("module \"{}\": more than {} module instances", name, kMaxModuleInstances)));
      return call;
    }
    Context inner = ctx;
    inner.bindings = instance.bindings;
    auto module = std::make_unique<ModuleInstance>(state_, child, Prefix() + "module." + name + instance.suffix, chain);
    module->SetVariables(CallArguments(name, block, *child, inner, &evaluator, &state_->budget,
                                       call.instances.empty(), &call.errors));
    call.instances.emplace_back(instance.key, std::move(module));
  }
  return call;
}

EvalResult ModuleInstance::ModuleValue(const std::string& name, hcl::Pos pos, const Context& ctx) {
  if (module_->modules.find(name) == module_->modules.end()) {
    return Evaluator::Error(ctx, pos, fmt::format("reference to undeclared module module.{}", name));
  }
  Call& call = ExpandCall(name);
  if (!call.errors.empty() && call.instances.empty()) return call.errors.front();
  Value::Items list;
  Value::Entries map;
  for (auto& [key, instance] : call.instances) {
    EvalResult outputs = instance->Outputs();
    if (!outputs.ok()) return outputs;
    if (call.repetition == Repetition::kNone) return outputs;
    if (call.repetition == Repetition::kCount) {
      list.push_back(std::move(outputs).value());
    } else {
      map.emplace(key.str(), std::move(outputs).value());
    }
  }
  return call.repetition == Repetition::kForEach ? Value::Map(std::move(map)) : Value::List(std::move(list));
}

EvalResult ModuleInstance::Outputs() {
  if (outputs_.state == Memo::State::kBusy) {
    return RuleError{SourceLoc{module_->dir, 0, 0},
                     fmt::format("the outputs of {} refer to themselves (a cycle of references)", address_)};
  }
  if (outputs_.state == Memo::State::kDone) return outputs_.value;
  outputs_.state = Memo::State::kBusy;
  Evaluator evaluator(this, &state_->budget);
  Value::Entries entries;
  for (const auto& [name, decl] : module_->outputs) {
    const hcl::Attribute* value = decl.node->FindAttribute("value");
    if (value == nullptr) continue;
    Context ctx;
    ctx.file = decl.file;
    EvalResult v = evaluator.Eval(*value->value.expr, ctx);
    entries.emplace(name, v.ok() ? std::move(v).value() : Value::Failed(v.error().message, v.error().loc.Describe()));
  }
  outputs_.value = Value::Map(std::move(entries));
  outputs_.state = Memo::State::kDone;
  return outputs_.value;
}

void ModuleInstance::LoadRules(const std::set<std::string, std::less<>>* only) {
  RuleSet* rules = state_->rules;
  Evaluator evaluator(this, &state_->budget);
  for (const auto& file : module_->files) {
    if (only != nullptr && only->find(file->path) == only->end()) continue;
    for (const hcl::Block& block : file->body.blocks) {
      const bool rule = block.type == "resource" && block.labels.size() == 2 &&
                        (block.labels[0] == kFilterType || block.labels[0] == kAlarmType);
      if (block.type == "module" && block.labels.size() == 1) {
        Call& call = ExpandCall(block.labels[0]);
        if (!call.reported) {
          call.reported = true;
          rules->errors.insert(rules->errors.end(), call.errors.begin(), call.errors.end());
        }
        for (auto& [key, child] : call.instances) child->LoadRules(nullptr);
        continue;
      }
      if (!rule) {
        if (block.type != "variable" && block.type != "locals") ++rules->skipped_blocks;
        continue;
      }
      Context ctx;
      ctx.file = &file->path;
      Repetition repetition = Repetition::kNone;
      auto instances = ExpandInstances(block, ctx, &evaluator, kMaxResourceInstances, &repetition);
      if (!instances.ok()) {
        rules->errors.push_back(instances.error());
        continue;
      }
      for (const Instance& instance : instances.value()) {
        Context inner = ctx;
        inner.bindings = instance.bindings;
        const RuleSource source{&block, inner, Prefix() + block.labels[0] + "." + block.labels[1] + instance.suffix,
                                &evaluator};
        if (block.labels[0] == kFilterType) {
          LoadMetricFilter(source, rules);
        } else {
          LoadMetricAlarm(source, rules);
        }
      }
    }
  }
}

void LoadTerraformRoot(ModuleCache* cache, const std::string& dir, const std::set<std::string, std::less<>>* only,
                       const RuleLoadOptions& options, RuleSet* rules, std::set<std::string>* declared) {
  std::string error;
  const ParsedModule* module = cache->Get(dir, &error);
  if (module == nullptr) {
    rules->errors.push_back(RuleError{SourceLoc{dir.empty() ? std::string(".") : dir, 0, 0}, error});
    return;
  }
  ReportModuleErrors(*module, rules, only);
  for (const auto& [name, decl] : module->variables) declared->insert(name);
  LoadState state;
  state.cache = cache;
  state.rules = rules;
  state.root_dir = dir;
  ModuleInstance root(&state, module, "", {});
  root.SetVariables(RootVariables(*module, cache->files(), options, &state.budget, rules));
  root.LoadRules(only);
}

}  // namespace trailwatch::ruleset::tf
