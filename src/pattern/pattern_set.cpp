// FilterPattern and PatternSet. Compile() puts every selector into one trie
// and indexes JSON patterns by the eventName values they require, so a record
// is walked once and meets only the patterns that can match it.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "output/write.h"
#include "pattern/ast.h"
#include "pattern/extract.h"
#include "pattern/match.h"
#include "pattern/parser.h"
#include "trailwatch/escape.h"
#include "trailwatch/pattern.h"
#include "trailwatch/record.h"

namespace trailwatch {

namespace od = simdjson::ondemand;
using pattern::Ast;
using pattern::Expr;

std::string PatternError::Render(std::string_view text) const {
  // Show the line of the pattern that holds the offset, with a caret under it.
  const size_t at = std::min(offset, text.size());
  size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  line_start = (line_start == std::string_view::npos || at == 0) ? 0 : line_start + 1;
  size_t line_end = text.find('\n', at);
  if (line_end == std::string_view::npos) line_end = text.size();
  const std::string line = TerminalSafe(text.substr(line_start, line_end - line_start));
  const std::string before = TerminalSafe(text.substr(line_start, at - line_start));
  return fmt::format("{}\n  {}\n  {}^", message, line, std::string(before.size(), ' '));
}

FilterPattern::FilterPattern(std::string text, std::unique_ptr<pattern::Ast> ast)
    : text_(std::move(text)), ast_(std::move(ast)) {}
FilterPattern::~FilterPattern() = default;

std::shared_ptr<const FilterPattern> FilterPattern::Parse(std::string_view text,
                                                          PatternError* error) {
  auto ast = std::make_unique<Ast>();
  if (!pattern::Parse(text, ast.get(), error)) return nullptr;
  return std::shared_ptr<const FilterPattern>(new FilterPattern(std::string(text), std::move(ast)));
}

FilterPattern::Kind FilterPattern::kind() const {
  switch (ast_->kind) {
    case Ast::Kind::kMatchAll: return Kind::kMatchAll;
    case Ast::Kind::kTerms: return Kind::kTerms;
    case Ast::Kind::kRegex: return Kind::kRegex;
    case Ast::Kind::kJson: return Kind::kJson;
    case Ast::Kind::kSpaceDelimited: return Kind::kSpaceDelimited;
  }
  return Kind::kMatchAll;
}

bool FilterPattern::MatchMessage(std::string_view message, Extracted* extracted) const {
  if (ast_->kind == Ast::Kind::kSpaceDelimited) {
    return pattern::MatchSpaceDelimited(*ast_, message, extracted);
  }
  if (ast_->kind != Ast::Kind::kJson) return pattern::MatchText(*ast_, message);
  // A JSON pattern applies only to a message that is a JSON object (spec 1).
  pattern::SelectorTrie trie;
  std::vector<uint32_t> slots;
  for (const pattern::Selector& s : ast_->selectors) slots.push_back(trie.Add(s));
  const simdjson::padded_string padded(message);
  od::parser parser;
  od::document doc;
  od::object object;
  pattern::Extracted values;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object) ||
      trie.Extract(object, &values)) {
    return false;
  }
  if (extracted != nullptr) {
    extracted->clear();
    for (size_t i = 0; i < ast_->selectors.size(); ++i) {
      const auto& found = values.by_slot[slots[i]];
      if (found.empty()) continue;
      const JsonValue& v = found[0];
      std::string text;
      switch (v.kind) {
        case JsonValue::Kind::kString:
        case JsonValue::Kind::kNumber:
        case JsonValue::Kind::kTrue:
        case JsonValue::Kind::kFalse: text = std::string(v.text); break;
        case JsonValue::Kind::kNull: text = "null"; break;
        case JsonValue::Kind::kObject: text = "{...}"; break;
        case JsonValue::Kind::kArray: text = "[...]"; break;
      }
      extracted->emplace_back(ast_->selectors[i].text, std::move(text));
    }
  }
  return pattern::EvalExpr(ast_->root, [&](uint32_t selector) {
    return std::span<const JsonValue>(values.by_slot[slots[selector]]);
  });
}

// ---- PatternSet -------------------------------------------------------------

namespace {

// The exact eventName values an expression requires, or nullopt if it can
// match whatever the eventName is. AND needs one child's set; OR needs all.
std::optional<std::set<std::string>> RequiredEventNames(const Expr& e, const Ast& ast) {
  switch (e.kind) {
    case Expr::Kind::kCondition: {
      const pattern::Condition& c = e.condition;
      const pattern::Selector& sel = ast.selectors[c.selector];
      if (c.op != pattern::Op::kEq || sel.steps.size() != 1 ||
          sel.steps[0].kind != pattern::Step::Kind::kMember || sel.steps[0].name != "eventName" ||
          c.value.kind == pattern::Literal::Kind::kRegex ||
          c.value.wildcard != pattern::Literal::Wildcard::kNone) {
        return std::nullopt;
      }
      return std::set<std::string>{c.value.core};
    }
    case Expr::Kind::kAnd: {
      std::optional<std::set<std::string>> best;
      for (const Expr& child : e.children) {
        auto names = RequiredEventNames(child, ast);
        if (names && (!best || names->size() < best->size())) best = std::move(names);
      }
      return best;
    }
    case Expr::Kind::kOr: {
      std::set<std::string> all;
      for (const Expr& child : e.children) {
        auto names = RequiredEventNames(child, ast);
        if (!names) return std::nullopt;
        all.insert(names->begin(), names->end());
      }
      return all;
    }
  }
  return std::nullopt;
}

}  // namespace

PatternSet::PatternSet() : trie_(std::make_unique<pattern::SelectorTrie>()) {
  pattern::Selector time, name;
  time.steps.push_back({pattern::Step::Kind::kMember, "eventTime", 0});
  name.steps.push_back({pattern::Step::Kind::kMember, "eventName", 0});
  event_time_slot_ = trie_->Add(time);
  event_name_slot_ = trie_->Add(name);
}
PatternSet::~PatternSet() = default;

uint32_t PatternSet::Add(std::shared_ptr<const FilterPattern> p) {
  Entry entry;
  for (const pattern::Selector& s : p->ast().selectors) entry.selector_slots.push_back(trie_->Add(s));
  entry.pattern = std::move(p);
  patterns_.push_back(std::move(entry));
  return static_cast<uint32_t>(patterns_.size() - 1);
}

int PatternSet::AddSelector(std::string_view text, PatternError* error) {
  pattern::Selector selector;
  if (!pattern::ParseSelector(text, &selector, error)) return -1;
  return static_cast<int>(trie_->Add(selector));
}

void PatternSet::Compile() {
  always_.clear();
  by_event_name_.clear();
  any_text_pattern_ = false;
  for (uint32_t id = 0; id < patterns_.size(); ++id) {
    const Ast& ast = patterns_[id].pattern->ast();
    if (ast.kind != Ast::Kind::kJson) {
      any_text_pattern_ |= ast.kind != Ast::Kind::kMatchAll;
      always_.push_back(id);
      continue;
    }
    auto names = RequiredEventNames(ast.root, ast);
    if (!names) {
      always_.push_back(id);
      continue;
    }
    for (const std::string& n : *names) by_event_name_[n].push_back(id);
  }
  compiled_ = true;
}

struct PatternSet::Matcher::Scratch {
  pattern::Extracted values;
  fmt::memory_buffer text;  // the record as compact JSON, for text patterns
};

PatternSet::Matcher::Matcher(const PatternSet& set)
    : set_(set), scratch_(std::make_unique<Scratch>()) {}
PatternSet::Matcher::~Matcher() = default;

std::span<const JsonValue> PatternSet::Matcher::values(int selector) const {
  if (selector < 0) return {};
  return scratch_->values.by_slot[static_cast<size_t>(selector)];
}

RecordOutcome PatternSet::Matcher::Match(Record& record) {
  matched_.clear();
  text_ = {};
  pattern::Extracted& values = scratch_->values;
  if (auto err = set_.trie_->Extract(record.object(), &values)) {
    return RecordOutcome::Rejected("invalid JSON", simdjson::error_message(err));
  }
  // eventTime: present, a string, ISO 8601.
  const auto& times = values.by_slot[set_.event_time_slot_];
  if (times.empty()) return RecordOutcome::Rejected("missing eventTime");
  if (times[0].kind != JsonValue::Kind::kString) {
    return RecordOutcome::Rejected("invalid eventTime", "eventTime is not a string");
  }
  const std::optional<UnixSeconds> t = ParseIsoTime(times[0].text);
  if (!t) {
    return RecordOutcome::Rejected(
        "invalid eventTime",
        fmt::format("eventTime \"{}\" is not ISO 8601", TerminalSafe(times[0].text.substr(0, 64))));
  }
  event_time_ = *t;

  auto eval = [&](uint32_t id) {
    const Entry& entry = set_.patterns_[id];
    const Ast& ast = entry.pattern->ast();
    if (ast.kind == Ast::Kind::kJson) {
      return pattern::EvalExpr(ast.root, [&](uint32_t selector) {
        return std::span<const JsonValue>(values.by_slot[entry.selector_slots[selector]]);
      });
    }
    if (ast.kind == Ast::Kind::kMatchAll) return true;
    if (text_.empty()) {  // compact JSON text, made once per record (spec 7, spec 10)
      Result<std::string_view> raw = record.RawJson();
      if (!raw.ok()) return false;
      scratch_->text.clear();
      output::AppendJsonLine(scratch_->text, raw.value());
      text_ = std::string_view(scratch_->text.data(), scratch_->text.size() - 1);
    }
    return pattern::MatchText(ast, text_);
  };
  for (uint32_t id : set_.always_) {
    if (eval(id)) matched_.push_back(id);
  }
  // Usually one eventName; a record with the key twice gets every value's patterns.
  const auto& names = values.by_slot[set_.event_name_slot_];
  for (const JsonValue& name : names) {
    if (name.kind != JsonValue::Kind::kString) continue;
    if (auto it = set_.by_event_name_.find(name.text); it != set_.by_event_name_.end()) {
      for (uint32_t id : it->second) {
        if (eval(id)) matched_.push_back(id);
      }
    }
  }
  std::sort(matched_.begin(), matched_.end());
  if (names.size() > 1) matched_.erase(std::unique(matched_.begin(), matched_.end()), matched_.end());
  return RecordOutcome::Accepted();
}

}  // namespace trailwatch
