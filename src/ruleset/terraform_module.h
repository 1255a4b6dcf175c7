// terraform_module: Terraform evaluation above expressions: a module's
// files parsed once per folder (ModuleCache), and module instances that say
// what var.x, local.x, aws_x.y, module.m, data.t.n, path.module, count.index
// and each.key mean (the Scope of hcl_eval), evaluated lazily with cycles
// detected, and that load the metric filters and alarms of their resources
// (terraform.cpp) and of the modules they call.
//
// Bounds: modules nest at most kMaxModuleDepth deep and never call a folder
// already on the call chain; at most kMaxModuleInstances module instances and
// kMaxResourceInstances instances per resource; all evaluation of one root
// shares one Budget.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ruleset/hcl.h"
#include "ruleset/hcl_eval.h"
#include "ruleset/source_files.h"
#include "trailwatch/rules.h"

namespace trailwatch::ruleset::tf {

inline constexpr size_t kMaxModuleDepth = 16;
inline constexpr size_t kMaxModuleInstances = 1000;
inline constexpr size_t kMaxResourceInstances = 10000;

inline constexpr std::string_view kFilterType = "aws_cloudwatch_log_metric_filter";
inline constexpr std::string_view kAlarmType = "aws_cloudwatch_metric_alarm";

/// A declaration in a module: the block or attribute, and its file.
template <typename T>
struct Decl {
  const T* node = nullptr;
  const std::string* file = nullptr;
};

struct ModuleFile {
  std::string path;
  hcl::Body body;
};

/// The .tf files of one folder, parsed, with their declarations by name
/// (resources and data sources as "type.name").
struct ParsedModule {
  std::string dir;
  std::vector<std::unique_ptr<ModuleFile>> files;
  std::map<std::string, Decl<hcl::Block>, std::less<>> variables, resources, data, modules, outputs;
  std::map<std::string, Decl<hcl::Attribute>, std::less<>> locals;
  std::vector<RuleError> errors;  ///< parse errors, duplicate declarations
  mutable bool errors_reported = false;  ///< bookkeeping: reported once per load
};

/// Parsed modules by folder, shared by everything one LoadRulePaths loads.
class ModuleCache {
 public:
  explicit ModuleCache(const SourceFiles& files) : files_(files) {}
  /// The module in `dir`, parsed on first use; null and *error set if the
  /// folder cannot be listed or has no .tf file.
  const ParsedModule* Get(const std::string& dir, std::string* error);
  const SourceFiles& files() const { return files_; }

 private:
  const SourceFiles& files_;
  std::map<std::string, std::unique_ptr<ParsedModule>, std::less<>> modules_;
  std::map<std::string, std::string, std::less<>> failures_;
};

/// What the instances of one root module share.
struct LoadState {
  ModuleCache* cache = nullptr;
  RuleSet* rules = nullptr;
  Budget budget;
  std::string root_dir;
  size_t module_instances = 0;
};

/// One instance of a block with count or for_each (or the only one): its
/// address suffix ("", "[0]", "[\"key\"]"), key, and count/each bindings.
struct Instance {
  std::string suffix;
  Value key;
  Bindings bindings;
};
enum class Repetition { kNone, kCount, kForEach };
/// Evaluates the count or for_each of `block` in `ctx`.
Result<std::vector<Instance>, RuleError> ExpandInstances(const hcl::Block& block, const Context& ctx,
                                                         Evaluator* evaluator, size_t limit, Repetition* repetition);
/// A nested block of a resource, plain or made by a `dynamic` block, with the
/// bindings (the dynamic block's iterator) its content sees.
struct NestedBlock {
  const hcl::Block* block;
  Context ctx;
};
Result<std::vector<NestedBlock>, RuleError> ExpandBlocks(const hcl::Block& parent, std::string_view type,
                                                         const Context& ctx, Evaluator* evaluator);
/// The block types nested in `block` (dynamic ones by their label), in order, without duplicates.
std::vector<std::string> NestedTypes(const hcl::Block& block);

/// One instance of a metric filter or alarm resource, to become a rule.
struct RuleSource {
  const hcl::Block* block;
  Context ctx;
  std::string address;
  Evaluator* evaluator;
};
void LoadMetricFilter(const RuleSource& source, RuleSet* rules);
void LoadMetricAlarm(const RuleSource& source, RuleSet* rules);

class ModuleInstance final : public Scope {
 public:
  ModuleInstance(LoadState* state, const ParsedModule* module, std::string address,
                 std::vector<std::string> ancestors);
  ~ModuleInstance() override;
  ModuleInstance(const ModuleInstance&) = delete;
  ModuleInstance& operator=(const ModuleInstance&) = delete;

  const ParsedModule& module() const { return *module_; }
  /// "" for the root, else "module.a", "module.a[\"k\"].module.b"...
  const std::string& address() const { return address_; }
  /// The value of each declared variable (unknown where there is none).
  void SetVariables(std::map<std::string, Value, std::less<>> values) { variables_ = std::move(values); }

  EvalResult Resolve(const hcl::Expr& root, std::span<const hcl::Step> steps, const Context& ctx,
                     Evaluator* evaluator, size_t* used) override;
  Result<std::string> ReadFile(const std::string& path) override;

  /// Loads the filters and alarms of this module's files (only those in
  /// `only`, if given) and of the modules they call.
  void LoadRules(const std::set<std::string, std::less<>>* only);

 private:
  struct Memo {
    enum class State { kTodo, kBusy, kDone } state = State::kTodo;
    EvalResult value = Value();
  };
  struct Call;  // a module block's instances (terraform_calls.cpp)

  EvalResult Variable(const std::string& name, hcl::Pos pos, const Context& ctx);
  EvalResult Local(const std::string& name, hcl::Pos pos, const Context& ctx, Evaluator* evaluator);
  EvalResult Resource(const std::string& key, hcl::Pos pos, const Context& ctx, Evaluator* evaluator);
  EvalResult ResourceValue(const Decl<hcl::Block>& decl, const std::string& key, Evaluator* evaluator);
  Value InstanceObject(const hcl::Block& block, const Context& ctx, Evaluator* evaluator, std::string address,
                       int depth);
  EvalResult ModuleValue(const std::string& name, hcl::Pos pos, const Context& ctx);
  EvalResult Outputs();
  /// Expands a module block once: its instances, or the error.
  Call& ExpandCall(const std::string& name);
  std::string Prefix() const { return address_.empty() ? std::string() : address_ + "."; }

  LoadState* state_;
  const ParsedModule* module_;
  std::string address_;
  std::vector<std::string> ancestors_;  ///< folders of the calling modules, outermost first
  std::map<std::string, Value, std::less<>> variables_;
  std::map<std::string, Memo, std::less<>> locals_, resources_;
  Memo outputs_;
  std::map<std::string, std::unique_ptr<Call>, std::less<>> calls_;
};

/// Loads the root module in `dir`: every rule of its files, or only of the
/// files in `only` (a file given alone is still evaluated within its
/// folder's module). Its variables come from defaults, the folder's
/// terraform.tfvars / *.auto.tfvars and `options`; the names it declares
/// are added to `declared`.
void LoadTerraformRoot(ModuleCache* cache, const std::string& dir, const std::set<std::string, std::less<>>* only,
                       const RuleLoadOptions& options, RuleSet* rules, std::set<std::string>* declared);

/// The values of a root module's variables (defaults < terraform.tfvars <
/// terraform.tfvars.json < *.auto.tfvars(.json) < `options` in order).
std::map<std::string, Value, std::less<>> RootVariables(const ParsedModule& module, const SourceFiles& files,
                                                        const RuleLoadOptions& options, Budget* budget,
                                                        RuleSet* rules);
/// Reports, once per load, what is wrong with `options.variables` as a
/// whole: a -var without NAME=, a -var no loaded root module declares, a
/// -var-file that cannot be read.
void CheckVariableArgs(const RuleLoadOptions& options, const std::set<std::string>& declared, RuleSet* rules);
/// A variable's default, or an unknown value saying how to give one.
Value VariableDefault(const Decl<hcl::Block>& decl, const std::string& name, Budget* budget);
/// Converts a value given to a variable to the variable's declared type
/// (string, number, bool, list, set, map); the error names the variable.
Result<Value, std::string> ConvertToVariableType(const Value& value, const hcl::Block& variable);

}  // namespace trailwatch::ruleset::tf
