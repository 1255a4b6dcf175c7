// FilterPattern and PatternSet. Compile() puts every selector into one trie
// and indexes JSON patterns and Sigma detections by the eventName (else
// eventSource) values they require, so a record is walked once and meets only
// the patterns that can match it.
#include <algorithm>
#include <deque>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "output/write.h"
#include "pattern/ast.h"
#include "pattern/extract.h"
#include "pattern/match.h"
#include "pattern/parser.h"
#include "pattern/sigma_match.h"
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

std::shared_ptr<const FilterPattern> FilterPattern::FromSigma(std::string name,
                                                              std::unique_ptr<pattern::Ast> ast) {
  return std::shared_ptr<const FilterPattern>(new FilterPattern(std::move(name), std::move(ast)));
}

FilterPattern::Kind FilterPattern::kind() const {
  switch (ast_->kind) {
    case Ast::Kind::kMatchAll: return Kind::kMatchAll;
    case Ast::Kind::kTerms: return Kind::kTerms;
    case Ast::Kind::kRegex: return Kind::kRegex;
    case Ast::Kind::kJson: return Kind::kJson;
    case Ast::Kind::kSpaceDelimited: return Kind::kSpaceDelimited;
    case Ast::Kind::kSigma: return Kind::kSigma;
  }
  return Kind::kMatchAll;
}

namespace {

// The lazily made texts a Sigma detection may need from one record: the
// record's JSON line (keywords) and objects' compact JSON text (`raw` is the
// record's JSON text, which the objects' JsonValue::text point into).
struct SigmaTexts {
  std::deque<std::string> objects;  // a deque: earlier texts stay where they are
  size_t used = 0;

  std::optional<std::string_view> ObjectText(const JsonValue& v, std::optional<std::string_view> raw) {
    if (v.kind != JsonValue::Kind::kObject || !raw || v.text.data() == nullptr) return std::nullopt;
    const char* begin = raw->data();
    if (v.text.data() < begin || v.text.data() >= begin + raw->size()) return std::nullopt;
    const std::string_view rest = raw->substr(static_cast<size_t>(v.text.data() - begin));
    if (used == objects.size()) objects.emplace_back();
    std::string& compact = objects[used];
    const size_t length = pattern::JsonContainerText(rest, &compact);
    if (length == 0) return std::nullopt;
    if (compact.empty()) return rest.substr(0, length);
    ++used;
    return std::string_view(compact);
  }
};

// A JSON message for test-pattern: values from a trie of this pattern alone.
class MessageSigmaInput final : public pattern::SigmaInput {
 public:
  MessageSigmaInput(const pattern::Extracted& values, const std::vector<uint32_t>& slots,
                    std::string_view message)
      : values_(values), slots_(slots), message_(message) {}
  std::span<const JsonValue> Values(uint32_t selector) override {
    return values_.by_slot[slots_[selector]];
  }
  std::optional<std::string_view> RecordText() override {
    if (line_.size() == 0) output::AppendJsonLine(line_, message_);
    return std::string_view(line_.data(), line_.size() - 1);
  }
  std::optional<std::string_view> ObjectText(const JsonValue& v) override {
    return texts_.ObjectText(v, message_);
  }

 private:
  const pattern::Extracted& values_;
  const std::vector<uint32_t>& slots_;
  std::string_view message_;
  fmt::memory_buffer line_;
  SigmaTexts texts_;
};

}  // namespace

bool FilterPattern::MatchMessage(std::string_view message, Extracted* extracted) const {
  if (ast_->kind == Ast::Kind::kSpaceDelimited) {
    return pattern::MatchSpaceDelimited(*ast_, message, extracted);
  }
  if (ast_->kind != Ast::Kind::kJson && ast_->kind != Ast::Kind::kSigma) {
    return pattern::MatchText(*ast_, message);
  }
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
  if (ast_->kind == Ast::Kind::kSigma) {
    MessageSigmaInput input(values, slots, std::string_view(padded.data(), padded.size()));
    return pattern::EvalSigma(ast_->root, input);
  }
  return pattern::EvalExpr(ast_->root, [&](uint32_t selector) {
    return std::span<const JsonValue>(values.by_slot[slots[selector]]);
  });
}

// ---- PatternSet -------------------------------------------------------------

namespace {

// A value that an index lookup can find: CloudWatch compares the text of
// strings, numbers and booleans; Sigma too, folded for case.
bool IsIndexable(const JsonValue& v) {
  return v.kind == JsonValue::Kind::kString || v.kind == JsonValue::Kind::kNumber ||
         v.kind == JsonValue::Kind::kTrue || v.kind == JsonValue::Kind::kFalse;
}

// The value of top-level `field` one condition requires, or nullopt: for
// CloudWatch `$.field = text` (exact, not a number, no wildcard); for Sigma
// a plain string without wildcards, folded (an object's text starts with '{').
std::optional<std::string> RequiredBy(const pattern::Condition& c, const Ast& ast,
                                      std::string_view field) {
  if (c.selector >= ast.selectors.size()) return std::nullopt;  // a Sigma keyword has none
  const pattern::Selector& sel = ast.selectors[c.selector];
  const auto kind = ast.kind == Ast::Kind::kSigma ? pattern::Step::Kind::kSigmaMember
                                                  : pattern::Step::Kind::kMember;
  if (sel.steps.size() != 1 || sel.steps[0].kind != kind || sel.steps[0].name != field) {
    return std::nullopt;
  }
  if (ast.kind == Ast::Kind::kJson) {
    if (c.op != pattern::Op::kEq || c.value.kind != pattern::Literal::Kind::kString ||
        c.value.wildcard != pattern::Literal::Wildcard::kNone) {
      return std::nullopt;
    }
    return c.value.core;
  }
  if (c.op != pattern::Op::kSigma || c.sigma->kind != pattern::SigmaTest::Kind::kString ||
      c.sigma->has_number) {
    return std::nullopt;
  }
  const std::optional<std::string_view> exact = c.sigma->glob.Exact();
  if (!exact || (!exact->empty() && exact->front() == '{')) return std::nullopt;
  std::string key(*exact);
  for (char& ch : key) ch = pattern::FoldAscii(ch);
  return key;
}

// The values of `field` an expression requires (one of them), or nullopt if
// it can match whatever the field holds. AND needs one child's set; OR all.
std::optional<std::set<std::string>> RequiredValues(const Expr& e, const Ast& ast,
                                                    std::string_view field) {
  switch (e.kind) {
    case Expr::Kind::kCondition: {
      auto value = RequiredBy(e.condition, ast, field);
      if (!value) return std::nullopt;
      return std::set<std::string>{std::move(*value)};
    }
    case Expr::Kind::kAnd: {
      std::optional<std::set<std::string>> best;
      for (const Expr& child : e.children) {
        auto names = RequiredValues(child, ast, field);
        if (names && (!best || names->size() < best->size())) best = std::move(names);
      }
      return best;
    }
    case Expr::Kind::kOr: {
      std::set<std::string> all;
      for (const Expr& child : e.children) {
        auto names = RequiredValues(child, ast, field);
        if (!names) return std::nullopt;
        all.insert(names->begin(), names->end());
      }
      return all;
    }
    case Expr::Kind::kNot: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

PatternSet::PatternSet() : trie_(std::make_unique<pattern::SelectorTrie>()) {
  pattern::Selector time, name;
  time.steps.push_back({pattern::Step::Kind::kMember, "eventTime", 0});
  name.steps.push_back({pattern::Step::Kind::kMember, "eventName", 0});
  event_time_slot_ = trie_->Add(time);
  trie_->Add(name);  // the eventName index's slot, kept first for stable selector ids
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

int PatternSet::AddSigmaField(std::string_view field, PatternError* error) {
  pattern::Selector selector;
  selector.text = std::string(field);
  size_t begin = 0;
  while (true) {
    const size_t dot = field.find('.', begin);
    const std::string_view name = field.substr(begin, dot == std::string_view::npos ? dot : dot - begin);
    if (name.empty()) {
      error->message = "empty name in field path";
      error->offset = begin;
      return -1;
    }
    selector.steps.push_back({pattern::Step::Kind::kSigmaMember, std::string(name), 0});
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  return static_cast<int>(trie_->Add(selector));
}

void PatternSet::Compile() {
  always_.clear();
  indexes_.clear();
  any_text_pattern_ = false;
  // Indexes in order of preference: a pattern goes into the first that applies.
  struct Want {
    const char* field;
    bool sigma;
  };
  constexpr Want kWants[] = {
      {"eventName", false}, {"eventSource", false}, {"eventName", true}, {"eventSource", true}};
  std::vector<Index> built(std::size(kWants));
  for (uint32_t id = 0; id < patterns_.size(); ++id) {
    const Ast& ast = patterns_[id].pattern->ast();
    if (ast.kind != Ast::Kind::kJson && ast.kind != Ast::Kind::kSigma) {
      any_text_pattern_ |= ast.kind != Ast::Kind::kMatchAll;
      always_.push_back(id);
      continue;
    }
    const bool sigma = ast.kind == Ast::Kind::kSigma;
    bool placed = false;
    for (size_t w = 0; w < std::size(kWants) && !placed; ++w) {
      if (kWants[w].sigma != sigma) continue;
      auto values = RequiredValues(ast.root, ast, kWants[w].field);
      if (!values) continue;
      for (const std::string& v : *values) built[w].patterns[v].push_back(id);
      placed = true;
    }
    if (!placed) always_.push_back(id);
  }
  for (size_t w = 0; w < std::size(kWants); ++w) {
    if (built[w].patterns.empty()) continue;
    pattern::Selector selector;
    selector.text = kWants[w].field;
    selector.steps.push_back({kWants[w].sigma ? pattern::Step::Kind::kSigmaMember
                                              : pattern::Step::Kind::kMember,
                              kWants[w].field, 0});
    built[w].slot = trie_->Add(selector);
    built[w].folded = kWants[w].sigma;
    indexes_.push_back(std::move(built[w]));
  }
  compiled_ = true;
}

struct PatternSet::Matcher::Scratch {
  pattern::Extracted values;
  fmt::memory_buffer text;  // the record as compact JSON, for text patterns
  SigmaTexts sigma_texts;
  std::string folded;       // an index key folded to lower case
};

namespace {

// A record for Sigma detections: one pattern's selectors at a time, and the
// record's texts, made when first asked for.
class RecordSigmaInput final : public pattern::SigmaInput {
 public:
  using TextFn = std::optional<std::string_view> (*)(void*);
  RecordSigmaInput(const pattern::Extracted& values, SigmaTexts* texts, void* owner, TextFn raw,
                   TextFn line)
      : values_(values), texts_(texts), owner_(owner), raw_(raw), line_(line) {}
  void SetSlots(const std::vector<uint32_t>* slots) { slots_ = slots; }
  std::span<const JsonValue> Values(uint32_t selector) override {
    return values_.by_slot[(*slots_)[selector]];
  }
  std::optional<std::string_view> RecordText() override { return line_(owner_); }
  std::optional<std::string_view> ObjectText(const JsonValue& v) override {
    return texts_->ObjectText(v, raw_(owner_));
  }

 private:
  const pattern::Extracted& values_;
  SigmaTexts* texts_;
  void* owner_;
  TextFn raw_, line_;
  const std::vector<uint32_t>* slots_ = nullptr;
};

// The record's JSON text and its one-line form, each made once if needed.
struct Lazy {
  Record* record;
  fmt::memory_buffer* buffer;
  std::string_view* line;
  bool raw_done = false;
  std::optional<std::string_view> raw;
  static std::optional<std::string_view> Raw(void* self) {
    auto* l = static_cast<Lazy*>(self);
    if (!l->raw_done) {
      l->raw_done = true;
      Result<std::string_view> r = l->record->RawJson();
      if (r.ok()) l->raw = r.value();
    }
    return l->raw;
  }
  static std::optional<std::string_view> Line(void* self) {
    auto* l = static_cast<Lazy*>(self);
    if (l->line->empty()) {  // compact JSON text, made once per record (spec 7, spec 10)
      const std::optional<std::string_view> raw = Raw(self);
      if (!raw) return std::nullopt;
      l->buffer->clear();
      output::AppendJsonLine(*l->buffer, *raw);
      *l->line = std::string_view(l->buffer->data(), l->buffer->size() - 1);
    }
    return *l->line;
  }
};

}  // namespace

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

  Lazy lazy{&record, &scratch_->text, &text_, false, std::nullopt};
  scratch_->sigma_texts.used = 0;
  RecordSigmaInput sigma(values, &scratch_->sigma_texts, &lazy, &Lazy::Raw, &Lazy::Line);

  auto eval = [&](uint32_t id) {
    const Entry& entry = set_.patterns_[id];
    const Ast& ast = entry.pattern->ast();
    if (ast.kind == Ast::Kind::kJson) {
      return pattern::EvalExpr(ast.root, [&](uint32_t selector) {
        return std::span<const JsonValue>(values.by_slot[entry.selector_slots[selector]]);
      });
    }
    if (ast.kind == Ast::Kind::kSigma) {
      sigma.SetSlots(&entry.selector_slots);
      return pattern::EvalSigma(ast.root, sigma);
    }
    if (ast.kind == Ast::Kind::kMatchAll) return true;
    const std::optional<std::string_view> line = Lazy::Line(&lazy);
    return line && pattern::MatchText(ast, *line);
  };
  for (uint32_t id : set_.always_) {
    if (eval(id)) matched_.push_back(id);
  }
  // Usually one value per field; a record with the key twice gets every value's patterns.
  bool several = false;
  for (const Index& index : set_.indexes_) {
    size_t keys = 0;
    for (const JsonValue& v : values.by_slot[index.slot]) {
      if (!IsIndexable(v)) continue;
      ++keys;
      std::string_view key = v.text;
      if (index.folded) {
        std::string& folded = scratch_->folded;
        folded.assign(key);
        for (char& ch : folded) ch = pattern::FoldAscii(ch);
        key = folded;
      }
      if (auto it = index.patterns.find(key); it != index.patterns.end()) {
        for (uint32_t id : it->second) {
          if (eval(id)) matched_.push_back(id);
        }
      }
    }
    several |= keys > 1;
  }
  std::sort(matched_.begin(), matched_.end());
  if (several) matched_.erase(std::unique(matched_.begin(), matched_.end()), matched_.end());
  return RecordOutcome::Accepted();
}

}  // namespace trailwatch
