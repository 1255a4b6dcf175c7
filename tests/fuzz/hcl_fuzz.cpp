// hcl_fuzz: libFuzzer target for the Terraform (HCL2) parser and evaluator.
// Any input must parse or fail cleanly with a position inside the input,
// never crash or hang; then, parsed or not:
//   - every attribute's expression is evaluated (operators, templates, for
//     expressions, splats, functions) with a few names bound;
//   - the input is loaded as a module tree: lines "#@ PATH" start another
//     file (a comment to HCL), so module blocks call each other, with cycles
//     and depth bounded, and file()/templatefile() read the other files;
//   - the whole input is parsed as a template file and as one expression.
// Evaluation is bounded by its budget: no input makes it run away.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ruleset/hcl.h"
#include "ruleset/hcl_ast.h"
#include "ruleset/hcl_eval.h"
#include "trailwatch/rules.h"

namespace {

namespace hcl = trailwatch::ruleset::hcl;
namespace tf = trailwatch::ruleset::tf;

// Walks the tree, touching every string, so ASan sees any bad memory.
size_t Walk(const hcl::Value& v) {
  size_t n = v.text.size();
  for (const hcl::Value& item : v.items) n += Walk(item);
  for (const auto& [key, value] : v.entries) n += key.size() + Walk(value);
  return n;
}

size_t Walk(const std::vector<hcl::Attribute>& attributes, const std::vector<hcl::Block>& blocks) {
  size_t n = 0;
  for (const hcl::Attribute& a : attributes) n += a.name.size() + Walk(a.value);
  for (const hcl::Block& b : blocks) {
    n += b.type.size() + b.labels.size() + Walk(b.attributes, b.blocks);
  }
  return n;
}

// Evaluates every attribute, with each/count/a for variable bound; checks
// that an error names a position and that a value is within the bounds.
void EvaluateAll(const std::vector<hcl::Attribute>& attributes, const std::vector<hcl::Block>& blocks,
                 tf::Evaluator* evaluator, const tf::Context& ctx, size_t lines, int depth) {
  for (const hcl::Attribute& a : attributes) {
    const tf::EvalResult r = evaluator->Eval(*a.value.expr, ctx);
    if (!r.ok()) {
      if (r.error().message.empty() || r.error().loc.line < 1 || r.error().loc.line > lines) std::abort();
      continue;
    }
    if (r.value().depth() > tf::kMaxValueDepth || r.value().size() > tf::kMaxItems) std::abort();
    if (tf::FindUnknown(r.value()) == nullptr) (void)tf::ToJson(r.value());
  }
  if (depth > 8) return;
  for (const hcl::Block& b : blocks) EvaluateAll(b.attributes, b.blocks, evaluator, ctx, lines, depth + 1);
}

// The files of a fuzz input: "main.tf", then one per "#@ PATH" line.
std::vector<std::pair<std::string, std::string>> SplitFiles(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> files = {{"main.tf", ""}};
  size_t at = 0;
  while (at < text.size() && files.size() < 16) {
    size_t end = text.find('\n', at);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = text.substr(at, end - at);
    if (line.starts_with("#@ ") && line.size() > 4) {
      std::string path(line.substr(3));
      while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
      if (!path.empty()) files.emplace_back(path, "");
    } else {
      files.back().second.append(line);
    }
    at = end;
  }
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t lines = 1;
  for (char c : text) lines += c == '\n';

  auto body = hcl::Parse(text);
  if (body.ok()) {
    (void)Walk(body.value().attributes, body.value().blocks);
    tf::Budget budget;
    budget.steps = 200000;
    tf::Evaluator evaluator(nullptr, &budget);
    const std::string file = "fuzz.tf";
    tf::Context ctx;
    ctx.file = &file;
    ctx.bindings = tf::Bind("each", tf::Value::Map({{"key", tf::Value::String("k")}, {"value", tf::Value::Number(1)}}),
                            tf::Bind("x", tf::Value::List({tf::Value::String("a"), tf::Value()}), nullptr));
    EvaluateAll(body.value().attributes, body.value().blocks, &evaluator, ctx, lines, 0);
  } else {
    // An error always has a message and a position within the input.
    const trailwatch::ParseError error = body.error();
    if (error.message.empty() || error.line < 1 || error.line > lines || error.column < 1 ||
        error.column > size + 1 || error.offset > size) {
      std::abort();
    }
    (void)error.Describe();
  }

  trailwatch::RuleSet rules;
  trailwatch::LoadTerraformModule(SplitFiles(text), &rules);
  rules.CrossCheck();
  for (const trailwatch::RuleError& e : rules.errors) {
    if (e.message.empty()) std::abort();
    (void)e.Describe();
  }
  for (const trailwatch::MetricFilter& f : rules.filters) {
    if (!f.pattern) std::abort();
  }

  (void)hcl::ParseTemplate(text);
  (void)hcl::ParseExpression(text);
  return 0;
}
