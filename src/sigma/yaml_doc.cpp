// yaml_doc: YAML helpers of the Sigma loader: node positions in the file,
// scalar typing (plain vs quoted), detection keys and field names,
// timespans, and the selectors of a detection under construction.
#include <charconv>

#include "sigma/internal.h"

namespace trailwatch::sigma::internal {

ParseError DocContext::At(const YAML::Node& node, std::string message, size_t column_shift) const {
  ParseError e;
  e.message = std::move(message);
  e.file = file;
  e.line = start_line;
  e.offset = offset;
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0 && mark.column >= 0) {
      e.line = first_line + static_cast<uint32_t>(mark.line);
      e.column = static_cast<uint32_t>(mark.column) + 1 + static_cast<uint32_t>(column_shift);
      e.offset = offset + static_cast<size_t>(mark.pos) + column_shift;
    }
  }
  return e;
}

ParseError DocContext::AtStart(std::string message) const {
  ParseError e;
  e.message = std::move(message);
  e.file = file;
  e.line = start_line;
  e.column = 1;
  e.offset = offset;
  return e;
}

std::optional<std::string> ScalarText(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

bool IsYamlNull(const YAML::Node& node) { return node.IsDefined() && node.IsNull(); }

bool IsPlain(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

bool ValidField(std::string_view field) {
  if (field.empty()) return false;
  size_t begin = 0;
  while (true) {
    const size_t dot = field.find('.', begin);
    if (dot == begin || begin >= field.size()) return false;  // empty part
    if (dot == std::string_view::npos) return true;
    begin = dot + 1;
  }
}

std::optional<FieldKey> SplitKey(std::string_view key, std::string* error) {
  FieldKey out;
  const size_t bar = key.find('|');
  out.field = std::string(key.substr(0, bar));
  if (!out.field.empty() && !ValidField(out.field)) {
    *error = "invalid field name '" + out.field + "'";
    return std::nullopt;
  }
  if (bar == std::string_view::npos) return out;
  std::string_view rest = key.substr(bar + 1);
  while (true) {
    const size_t next = rest.find('|');
    const std::string_view mod = rest.substr(0, next);
    if (mod.empty()) {
      *error = "empty modifier in '" + std::string(key) + "'";
      return std::nullopt;
    }
    out.modifiers.emplace_back(mod);
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return out;
}

std::optional<int64_t> ParseTimespan(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0 ||
      n > int64_t{10} * 366 * 86400 / unit) {
    return std::nullopt;
  }
  return n * unit;
}

uint32_t Builder::Selector(std::string_view field) {
  for (uint32_t i = 0; i < ast.selectors.size(); ++i) {
    if (ast.selectors[i].text == field) return i;
  }
  pattern::Selector s;
  s.text = std::string(field);
  size_t begin = 0;
  while (true) {
    const size_t dot = field.find('.', begin);
    const std::string_view name =
        field.substr(begin, dot == std::string_view::npos ? std::string_view::npos : dot - begin);
    s.steps.push_back({pattern::Step::Kind::kSigmaMember, std::string(name), 0});
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  ast.selectors.push_back(std::move(s));
  return static_cast<uint32_t>(ast.selectors.size() - 1);
}

}  // namespace trailwatch::sigma::internal
