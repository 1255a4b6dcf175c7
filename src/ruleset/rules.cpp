// rules: what every rule source shares: positions and messages, the checks
// PutMetricAlarm and PutMetricFilter make (spec 6, 8.1), cross-checks between
// filters and alarms, and finding rule files on disk or in the binary.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ruleset/builtin.h"
#include "ruleset/source_files.h"
#include "ruleset/terraform_module.h"
#include "trailwatch/escape.h"
#include "trailwatch/rules.h"

namespace trailwatch {

std::string_view TagValue(const KeyValues& kv, std::string_view key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return v;
  }
  return {};
}

std::string SourceLoc::Describe() const {
  if (line == 0) return TerminalSafe(file);
  return fmt::format("{}:{}:{}", TerminalSafe(file), line, column);
}

std::string RuleError::Describe() const {
  return fmt::format("{}: {}", loc.Describe(), TerminalSafe(message));
}

const char* ComparisonSymbol(Comparison c) {
  switch (c) {
    case Comparison::kGreaterThanOrEqual: return ">=";
    case Comparison::kGreaterThan: return ">";
    case Comparison::kLessThan: return "<";
    case Comparison::kLessThanOrEqual: return "<=";
  }
  return "?";
}

void ValidateAlarm(const MetricAlarm& a, std::vector<RuleError>* errors) {
  auto error = [&](std::string message) { errors->push_back({a.loc, std::move(message)}); };
  const std::string who = fmt::format("alarm \"{}\"", a.name);
  if (a.name.empty()) error("alarm without alarm_name");
  if (a.metric_name.empty() || a.metric_namespace.empty()) {
    error(fmt::format("{}: metric_name and namespace are required", who));
  }
  if (a.period == 10 || a.period == 20 || a.period == 30) {
    error(fmt::format("{}: period {} s is high resolution; metric filters publish one datapoint a "
                      "minute, so offline evaluation needs a multiple of 60",
                      who, a.period));
  } else if (a.period <= 0 || a.period % 60 != 0) {
    error(fmt::format("{}: period {} is not allowed (10, 20, 30 or a multiple of 60 seconds)", who,
                      a.period));
  }
  if (a.evaluation_periods < 1) error(fmt::format("{}: evaluation_periods must be at least 1", who));
  if (a.datapoints_to_alarm < 1 || a.datapoints_to_alarm > a.evaluation_periods) {
    error(fmt::format("{}: datapoints_to_alarm ({}) must be between 1 and evaluation_periods ({})",
                      who, a.datapoints_to_alarm, a.evaluation_periods));
  }
  const int64_t span = a.period * a.evaluation_periods;
  if (span > 604800) {
    error(fmt::format("{}: period x evaluation_periods = {} s exceeds 7 days", who, span));
  } else if (a.period < 3600 && span > 86400) {
    error(fmt::format("{}: with a period under an hour, period x evaluation_periods ({} s) may not "
                      "exceed one day",
                      who, span));
  }
  if (a.statistic.kind == Statistic::Kind::kPercentile &&
      (a.statistic.percentile < 0 || a.statistic.percentile > 100)) {
    error(fmt::format("{}: percentile {} out of range", who, a.statistic.percentile));
  }
}

void RuleSet::CrossCheck() {
  std::set<std::pair<std::string, std::string>> metrics;
  std::map<std::string, SourceLoc> filter_names, alarm_names;
  for (const MetricFilter& f : filters) {
    metrics.insert({f.metric_namespace, f.metric_name});
    if (auto [it, fresh] = filter_names.emplace(f.name, f.loc); !fresh) {
      errors.push_back({f.loc, fmt::format("metric filter \"{}\" is defined twice (first at {})", f.name,
                                           it->second.Describe())});
    }
  }
  for (const MetricAlarm& a : alarms) {
    if (auto [it, fresh] = alarm_names.emplace(a.name, a.loc); !fresh) {
      errors.push_back({a.loc, fmt::format("alarm \"{}\" is defined twice (first at {})", a.name,
                                           it->second.Describe())});
    }
    if (!a.metric_name.empty() && !metrics.count({a.metric_namespace, a.metric_name})) {
      errors.push_back({a.loc, fmt::format("alarm \"{}\" watches metric {}/{}, which no metric filter "
                                           "produces",
                                           a.name, a.metric_namespace, a.metric_name)});
    }
  }
  std::stable_sort(errors.begin(), errors.end(), [](const RuleError& x, const RuleError& y) {
    return std::tie(x.loc.file, x.loc.line, x.loc.column) < std::tie(y.loc.file, y.loc.line, y.loc.column);
  });
}

namespace {

namespace fs = std::filesystem;
using OnlyFiles = std::set<std::string, std::less<>>;

bool IsJsonText(std::string_view text, const std::string& name) {
  if (name.ends_with(".json")) return true;
  if (name.ends_with(".tf")) return false;
  size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  return i < text.size() && text[i] == '{' && text.find('"', i) == text.find_first_not_of(" \n\r\t", i + 1);
}

// A root module to load: all of its rules, or those of some files only.
struct Root {
  bool all = false;
  bool walked = false;  // found by walking a folder (so it may turn out to be a called module)
  OnlyFiles only;
};

// The folders the module blocks of `dir` call with a literal local source.
std::vector<std::string> CalledDirs(ruleset::tf::ModuleCache* cache, const std::string& dir) {
  std::vector<std::string> out;
  std::string error;
  const ruleset::tf::ParsedModule* module = cache->Get(dir, &error);
  if (module == nullptr) return out;
  for (const auto& [name, decl] : module->modules) {
    const ruleset::hcl::Attribute* source = decl.node->FindAttribute("source");
    if (source == nullptr || source->value.kind != ruleset::hcl::Value::Kind::kString) continue;
    const std::string& path = source->value.text;
    if (path.starts_with("./") || path.starts_with("../")) out.push_back(ruleset::JoinPath(dir, path));
  }
  return out;
}

// Folders found by a walk that another found folder calls as a module are
// loaded through that call, not as roots of their own; folders only reached
// through a cycle of calls stay roots (so that the cycle is reported).
void DropCalledModules(ruleset::tf::ModuleCache* cache, std::map<std::string, Root>* roots) {
  std::map<std::string, std::vector<std::string>> calls;
  std::set<std::string> called;
  for (const auto& [dir, root] : *roots) {
    calls[dir] = CalledDirs(cache, dir);
    for (const std::string& d : calls[dir]) {
      if (d != dir) called.insert(d);
    }
  }
  std::set<std::string> reached;
  std::vector<std::string> todo;
  for (const auto& [dir, root] : *roots) {
    if (!root.walked || called.count(dir) == 0) todo.push_back(dir);
  }
  while (!todo.empty()) {
    const std::string dir = todo.back();
    todo.pop_back();
    if (!reached.insert(dir).second) continue;
    for (const std::string& d : calls[dir]) todo.push_back(d);
  }
  for (auto it = roots->begin(); it != roots->end();) {
    const bool keep = !it->second.walked || called.count(it->first) == 0 || reached.count(it->first) == 0;
    it = keep ? std::next(it) : roots->erase(it);
  }
}

// Walks a folder: the folders holding .tf files become roots, JSON rule
// files are listed. Dot-folders (.terraform/, .git/) are not entered.
uint64_t Walk(const std::string& path, std::map<std::string, Root>* roots, std::vector<std::string>* json,
              RuleSet* rules) {
  uint64_t terraform_files = 0;
  std::error_code ec;
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (it->is_directory(type_ec) && name.starts_with(".")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(type_ec) || name.starts_with(".")) continue;
    if (name.ends_with(".tf")) {
      ++terraform_files;
      Root& root = (*roots)[ruleset::DirName(it->path().string())];
      root.all = root.walked = true;
    } else if (name.ends_with(".json") && !name.ends_with(".tfvars.json")) {
      found.push_back(it->path().string());
    }
  }
  if (ec) rules->errors.push_back({{path, 0, 0}, ec.message()});
  std::sort(found.begin(), found.end());
  json->insert(json->end(), found.begin(), found.end());
  return terraform_files;
}

void LoadJsonFile(const std::string& path, RuleSet* rules) {
  auto text = ruleset::DiskFiles().Read(path);
  if (!text.ok()) {
    rules->errors.push_back({{path, 0, 0}, ruleset::tf::Why(text.error())});
    return;
  }
  ++rules->files;
  LoadRuleJson(text.value(), path, rules);
}

// The built-in pack, or one file of it ("builtin:cis").
uint64_t LoadBuiltinSpec(std::string_view spec, const RuleLoadOptions& options, RuleSet* rules,
                         std::set<std::string>* declared) {
  ruleset::MemoryFiles memory;
  std::string names;
  uint64_t count = 0;
  for (const ruleset::BuiltinFile& f : ruleset::BuiltinFiles()) {
    if (!f.name.ends_with(".tf")) continue;  // examples
    ++count;
    memory.Add("builtin:rules/" + std::string(f.name), std::string(f.text));
    names += (names.empty() ? "" : ", ") + std::string(f.name.substr(0, f.name.size() - 3));
  }
  OnlyFiles only;
  if (spec != "builtin") {
    std::string file(spec.substr(std::string_view("builtin:").size()));
    if (!file.ends_with(".tf")) file += ".tf";
    if (!memory.Read("builtin:rules/" + file).ok()) {
      rules->errors.push_back({{std::string(spec), 0, 0}, "the built-in pack has no such file (it has " + names + ")"});
      return 0;
    }
    only.insert("builtin:rules/" + file);
  }
  ruleset::tf::ModuleCache cache(memory);
  ruleset::tf::LoadTerraformRoot(&cache, "builtin:rules", only.empty() ? nullptr : &only, options, rules, declared);
  return only.empty() ? count : 1;
}

}  // namespace

void LoadRulePaths(const std::vector<std::string>& paths, RuleSet* rules, const RuleLoadOptions& options) {
  const ruleset::DiskFiles disk;
  ruleset::tf::ModuleCache cache(disk);
  std::set<std::string> declared;
  for (const std::string& p : paths) {
    RuleSourceSummary summary{p, 0, rules->filters.size(), rules->alarms.size()};
    const auto summarize = [&] {
      summary.filters = rules->filters.size() - summary.filters;
      summary.alarms = rules->alarms.size() - summary.alarms;
      rules->sources.push_back(summary);
    };
    if (p == "builtin" || p.starts_with("builtin:")) {
      summary.terraform_files = LoadBuiltinSpec(p, options, rules, &declared);
      summarize();
      continue;
    }
    std::map<std::string, Root> roots;
    std::vector<std::string> json;
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      summary.terraform_files = Walk(p, &roots, &json, rules);
    } else if (!fs::exists(p, ec)) {
      rules->errors.push_back({{p, 0, 0}, "no such file or folder"});
    } else if (p.ends_with(".tf")) {
      summary.terraform_files = 1;
      const std::string dir = ruleset::DirName(p);  // the file's folder is its module
      roots[dir].only.insert(dir.empty() ? p : ruleset::JoinPath(dir, ruleset::BaseName(p)));
    } else {
      auto text = disk.Read(p);
      if (!text.ok()) {
        rules->errors.push_back({{p, 0, 0}, ruleset::tf::Why(text.error())});
      } else if (IsJsonText(text.value(), p)) {
        ++rules->files;
        LoadRuleJson(text.value(), p, rules);
      } else {  // Terraform in a file not named .tf: a module of its own
        summary.terraform_files = 1;
        LoadTerraform(text.value(), p, rules);
      }
    }
    DropCalledModules(&cache, &roots);
    for (const auto& [dir, root] : roots) {
      ruleset::tf::LoadTerraformRoot(&cache, dir, root.all ? nullptr : &root.only, options, rules, &declared);
    }
    for (const std::string& f : json) LoadJsonFile(f, rules);
    summarize();
  }
  ruleset::tf::CheckVariableArgs(options, declared, rules);
}

void LoadBuiltinRules(RuleSet* rules, const RuleLoadOptions& options) {
  std::set<std::string> declared;
  LoadBuiltinSpec("builtin", options, rules, &declared);
  ruleset::tf::CheckVariableArgs(options, declared, rules);
}

}  // namespace trailwatch
