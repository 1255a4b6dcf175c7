// link: correlations' references resolved to rules and correlations (by id,
// then name, then title), broken or cyclic correlations dropped with an
// error, rules used only by non-generating correlations marked; and the
// one-rule loader and the content sniffer used by callers.
#include <functional>
#include <map>

#include "sigma/internal.h"

namespace trailwatch::sigma {
namespace {

ParseError At(const RuleInfo& info, std::string message) {
  ParseError e;
  e.file = info.file;
  e.line = info.line;
  e.column = 1;
  e.message = "correlation '" + info.title + "': " + std::move(message);
  return e;
}

}  // namespace

namespace {

using Key = std::pair<bool, size_t>;  // (is a correlation, index)

// What each correlation's references name (a rule of its own file first,
// then by id, name, title over all files); `bad` marks the unresolved.
std::vector<std::vector<Key>> Resolve(const std::vector<Rule>& rules,
                                      const std::vector<Correlation>& correlations,
                                      std::vector<bool>* bad, std::vector<ParseError>* errors) {
  // Lookup tables; a key given twice is ambiguous (an empty optional).
  std::map<std::string, std::optional<Key>> by_id, by_name, by_title;
  auto add = [](auto& map, const std::string& key, Key value) {
    if (key.empty()) return;
    auto [it, fresh] = map.try_emplace(key, value);
    if (!fresh) it->second.reset();
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    add(by_id, rules[i].info.id, {false, i});
    add(by_name, rules[i].info.name, {false, i});
    add(by_title, rules[i].info.title, {false, i});
  }
  for (size_t i = 0; i < correlations.size(); ++i) {
    if (correlations[i].legacy) continue;  // its name is its rule's
    add(by_id, correlations[i].info.id, {true, i});
    add(by_name, correlations[i].info.name, {true, i});
    add(by_title, correlations[i].info.title, {true, i});
  }
  auto same_file = [&](const std::string& file, const std::string& ref) -> std::optional<Key> {
    for (auto field : {&RuleInfo::id, &RuleInfo::name, &RuleInfo::title}) {
      std::optional<Key> hit;
      int hits = 0;
      for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].info.file == file && rules[i].info.*field == ref) hit = Key{false, i}, ++hits;
      }
      for (size_t i = 0; i < correlations.size(); ++i) {
        const RuleInfo& info = correlations[i].info;
        if (!correlations[i].legacy && info.file == file && info.*field == ref) hit = Key{true, i}, ++hits;
      }
      if (hits == 1) return hit;
    }
    return std::nullopt;
  };
  std::vector<std::vector<Key>> refs(correlations.size());
  for (size_t i = 0; i < correlations.size(); ++i) {
    const Correlation& c = correlations[i];
    if (c.legacy) {
      refs[i].push_back({false, c.targets[0].index});
      continue;
    }
    for (const std::string& ref : c.rule_refs) {
      std::optional<Key> found = same_file(c.info.file, ref);
      bool ambiguous = false;
      for (auto* map : {&by_id, &by_name, &by_title}) {
        if (found) break;
        if (auto it = map->find(ref); it != map->end()) {
          found = it->second;
          ambiguous = !found.has_value();
          break;
        }
      }
      if (!found) {
        errors->push_back(At(c.info, ambiguous ? "'" + ref + "' names several rules"
                                               : "no loaded rule '" + ref + "'"));
        (*bad)[i] = true;
        break;
      }
      refs[i].push_back(*found);
    }
  }
  return refs;
}

// Marks correlations in a reference cycle, and those on a bad one, as bad.
void MarkCycles(const std::vector<Correlation>& correlations, const std::vector<std::vector<Key>>& refs,
                std::vector<bool>* bad, std::vector<ParseError>* errors) {
  std::vector<int> state(correlations.size(), 0);  // 0 new, 1 visiting, 2 done
  std::function<bool(size_t)> ok = [&](size_t i) {
    if (state[i] == 1) {
      if (!(*bad)[i]) errors->push_back(At(correlations[i].info, "its references form a cycle"));
      (*bad)[i] = true;
      return false;
    }
    if (state[i] == 2) return !(*bad)[i];
    state[i] = 1;
    for (const Key& k : refs[i]) {
      if (k.first && !ok(k.second)) (*bad)[i] = true;
    }
    state[i] = 2;
    return !(*bad)[i];
  };
  for (size_t i = 0; i < correlations.size(); ++i) ok(i);
}

}  // namespace

void RuleSet::Link() {
  std::vector<bool> bad(correlations_.size(), false);
  const std::vector<std::vector<Key>> refs = Resolve(rules_, correlations_, &bad, &errors_);
  MarkCycles(correlations_, refs, &bad, &errors_);
  std::vector<size_t> new_index(correlations_.size(), 0);
  std::vector<Correlation> kept;
  for (size_t i = 0; i < correlations_.size(); ++i) {
    if (bad[i]) continue;
    new_index[i] = kept.size();
    kept.push_back(std::move(correlations_[i]));
  }
  size_t k = 0;
  for (size_t i = 0; i < refs.size(); ++i) {
    if (bad[i]) continue;
    Correlation& c = kept[k++];
    c.targets.clear();
    for (const Key& key : refs[i]) {
      c.targets.push_back({key.first, key.first ? new_index[key.second] : key.second});
      if (!key.first && !c.generate) rules_[key.second].standalone = false;
    }
  }
  correlations_ = std::move(kept);
}

Result<Rule, ParseError> ParseRule(std::string_view text, std::string_view file) {
  RuleSet set;
  set.AddText(text, file);
  if (!set.errors().empty()) return set.errors().front();
  ParseError e;
  e.file = std::string(file);
  if (!set.skipped().empty()) {
    e.line = set.skipped().front().line;
    e.message = "rule skipped: " + set.skipped().front().reason;
    return e;
  }
  if (set.rules().size() != 1 || !set.correlations().empty()) {
    e.message = "expected one Sigma detection rule without aggregation, found " +
                std::to_string(set.rules().size()) + " rules and " +
                std::to_string(set.correlations().size()) + " correlations";
    return e;
  }
  return set.rules().front();
}

bool LooksLikeSigma(std::string_view text) {
  bool title = false, body = false;
  size_t pos = 0;
  while (pos < text.size() && !(title && body)) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    title |= line.substr(0, 6) == "title:";
    body |= line.substr(0, 10) == "detection:" || line.substr(0, 12) == "correlation:";
    pos = end + 1;
  }
  return title && body;
}

}  // namespace trailwatch::sigma
