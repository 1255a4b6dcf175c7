// Tests for the expression evaluator (ruleset/hcl_eval) and Terraform's
// functions (hcl_functions*): each construct and function with Terraform's
// result, unknown values flowing through, the errors with their positions,
// and the bounds on hostile expressions.
#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>

#include "ruleset/hcl_ast.h"
#include "ruleset/hcl_eval.h"

namespace tf = trailwatch::ruleset::tf;
namespace hcl = trailwatch::ruleset::hcl;
using Catch::Matchers::Contains;

namespace {

const std::string kFile = "e.tf";

tf::EvalResult EvalWith(std::string_view text, tf::Bindings bindings, tf::Budget* budget) {
  auto expr = hcl::ParseExpression(text);
  INFO(text);
  REQUIRE(expr.ok());
  tf::Evaluator evaluator(nullptr, budget);
  tf::Context ctx;
  ctx.file = &kFile;
  ctx.bindings = std::move(bindings);
  return evaluator.Eval(*expr.value(), ctx);
}

tf::EvalResult Eval(std::string_view text, tf::Bindings bindings = nullptr) {
  tf::Budget budget;
  return EvalWith(text, std::move(bindings), &budget);
}

// The value as JSON (jsonencode's form), or "unknown: reason", or "error: ...".
std::string Show(std::string_view text, tf::Bindings bindings = nullptr) {
  const tf::EvalResult r = Eval(text, std::move(bindings));
  if (!r.ok()) return "error: " + r.error().Describe();
  if (r.value().is_unknown()) return "unknown: " + r.value().str();
  return tf::ToJson(r.value());
}

tf::Bindings Unknown(std::string name) {
  return tf::Bind(std::move(name), tf::Value::Unknown("not known here", "x.tf:1:1", "data.x.y"), nullptr);
}

}  // namespace

TEST_CASE("eval: literals, arithmetic, comparison and logic with HCL precedence", "[eval]") {
  CHECK(Show("1 + 2 * 3 - 4 / 2") == "5");
  CHECK(Show("(1 + 2) * 3") == "9");
  CHECK(Show("7 % 3") == "1");
  CHECK(Show("-2 - -3") == "1");
  CHECK(Show("\"3\" + 1") == "4");  // strings convert to numbers, as in Terraform
  CHECK(Show("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 4 == false") == "true");
  CHECK(Show("1 == 1 != false") == "true");
  CHECK(Show("[1, \"a\"] == [1, \"a\"]") == "true");
  CHECK(Show("1 == \"1\"") == "false");  // different types are never equal
  CHECK(Show("!true || !false") == "true");
  CHECK(Show("0.1 + 0.2 > 0.3") == "true");
  CHECK(Show("1/0") == "error: e.tf:1:3: division by zero");
  CHECK(Show("\"a\" * 2") == "error: e.tf:1:7: arithmetic and comparison need numbers: \"a\" is not a number");
  // && and || stop when the left side decides; ?: evaluates only the chosen side.
  CHECK(Show("false && 1/0 == 1") == "false");
  CHECK(Show("true || 1/0 == 1") == "true");
  CHECK(Show("true ? \"yes\" : 1/0") == "\"yes\"");
  CHECK(Show("false ? 1/0 : null") == "null");
  CHECK(Show("\"x\" ? 1 : 2") == "error: e.tf:1:1: the condition of '? :' must be true or false: a string is not true or false");
}

TEST_CASE("eval: a long flat chain evaluates without deep recursion", "[eval]") {
  std::string chain = "0";
  for (int k = 0; k < 20000; ++k) chain += " + 1";
  CHECK(Show(chain) == "20000");
}

TEST_CASE("eval: templates, with directives and strip markers", "[eval]") {
  const tf::Bindings names =
      tf::Bind("names", tf::Value::List({tf::Value::String("a"), tf::Value::String("b")}), nullptr);
  CHECK(Show("\"n=${1 + 1}, ${true}, ${\"s\"}\"") == "\"n=2, true, s\"");
  CHECK(Show("\"${[1, 2]}\"") == "[1,2]");  // one interpolation: the value itself
  CHECK(Show("\"%{ if 1 > 2 }yes%{ else }no%{ endif }\"") == "\"no\"");
  CHECK(Show("\"%{ for i, n in names }${i}:${n} %{ endfor }\"", names) == "\"0:a 1:b \"");
  CHECK(Show("\"a  ${~ \"b\" ~}  c\"") == "\"abc\"");
  CHECK(Show("<<EOT\n%{ for n in names ~}\n  - ${n}\n%{ endfor ~}\nEOT\n", names) == "\"  - a\\n  - b\\n\"");
  CHECK(Show("\"${null}\"") == "null");  // one interpolation, so no conversion to a string
  CHECK(Show("\"x${null}\"") == "error: e.tf:1:3: a template cannot include a null value");
  CHECK(Show("\"x${[1]}\"") == "error: e.tf:1:3: a template cannot include a list: use join() or jsonencode()");
  CHECK(Show("\"$${not} %%{not}\"") == "\"${not} %{not}\"");
}

TEST_CASE("eval: for expressions over lists, sets and maps, with if and grouping", "[eval]") {
  CHECK(Show("[for i, v in [\"a\", \"b\"] : \"${i}${v}\"]") == "[\"0a\",\"1b\"]");
  CHECK(Show("[for v in toset([\"b\", \"a\", \"b\"]) : upper(v)]") == "[\"A\",\"B\"]");
  CHECK(Show("{for k, v in {b = 2, a = 1} : v => k}") == "{\"1\":\"a\",\"2\":\"b\"}");
  CHECK(Show("[for v in [1, 2, 3, 4] : v * 10 if v % 2 == 0]") == "[20,40]");
  CHECK(Show("{for s in [\"ab\", \"ac\", \"b\"] : substr(s, 0, 1) => s...}") ==
        "{\"a\":[\"ab\",\"ac\"],\"b\":[\"b\"]}");
  CHECK(Show("{for s in [\"a\", \"a\"] : s => 1}") ==
        "error: e.tf:1:24: duplicate key \"a\" in a for expression (write '...' after the value to group the values "
        "of equal keys)");
  CHECK(Show("[for c in \"abc\" : c]") == "error: e.tf:1:11: a for expression needs a list, set or map, not a string");
}

TEST_CASE("eval: indexes, attributes and splats", "[eval]") {
  CHECK(Show("{a = [10, 20]}.a[1]") == "20");
  CHECK(Show("{a = {b = \"c\"}}[\"a\"].b") == "\"c\"");
  CHECK(Show("[{n = 1}, {n = 2}][*].n") == "[1,2]");
  CHECK(Show("[{n = [1]}, {n = [2]}].*.n[0]") == "[1]");  // .* takes attributes only, then [0] of the result
  CHECK(Show("[{n = [1]}, {n = [2]}][*].n[0]") == "[1,2]");  // [*] takes every following step
  CHECK(Show("{n = 1}[*].n") == "[1]");                      // a single value is a list of one
  CHECK(Show("null[*].n") == "[]");
  CHECK(Show("[1, 2][2]") == "error: e.tf:1:7: index 2 is out of range for a list of 2 items");
  CHECK(Show("{a = 1}.b") == "error: e.tf:1:8: this object has no attribute \"b\"");
  CHECK(Show("{a = 1}[\"b\"]") == "error: e.tf:1:8: no key \"b\" in this map");
  CHECK(Show("toset([1])[0]") == "error: e.tf:1:11: a set has no indexes: convert it with tolist() first");
  CHECK(Show("[{n = 1}].n") ==
        "error: e.tf:1:10: cannot take attribute \"n\" of a list (a resource or module with count or for_each is one): "
        "pick one item first ([0], [\"key\"]) or take it from all ([*].n)");
}

TEST_CASE("eval: the functions monitoring configurations use, with Terraform's results", "[eval]") {
  CHECK(Show("merge({a = 1, b = 2}, null, {b = 3})") == "{\"a\":1,\"b\":3}");
  CHECK(Show("concat([1], toset([\"x\"]), [])") == "[1,\"x\"]");
  CHECK(Show("join(\", \", [\"a\", 1, true])") == "\"a, 1, true\"");
  CHECK(Show("split(\",\", \"a,,b\")") == "[\"a\",\"\",\"b\"]");
  CHECK(Show("split(\"\", \"h\xC3\xA9\")") == "[\"h\",\"\xC3\xA9\"]");
  CHECK(Show("format(\"%s-%03d-%.2f-%5s|%-4s|%t-%q-%%-%v\", \"a\", 7, 3.14159, \"r\", \"l\", true, \"q\", [1])") ==
        "\"a-007-3.14-    r|l   |true-\\\"q\\\"-%-[1]\"");
  CHECK(Show("format(\"%d\", 1.5)") == "error: e.tf:1:1: format(): %d needs a whole number");
  CHECK(Show("format(\"%s %s\", \"a\")") == "error: e.tf:1:1: format(): not enough arguments for %s");
  CHECK(Show("formatlist(\"%s=%s\", [\"a\", \"b\"], \"x\")") == "[\"a=x\",\"b=x\"]");
  CHECK(Show("formatlist(\"%s%s\", [\"a\"], [\"b\", \"c\"])") ==
        "error: e.tf:1:1: formatlist(): the list arguments differ in length");
  CHECK(Show("lower(\"AbC\") == \"abc\" && upper(\"aBc\") == \"ABC\"") == "true");
  CHECK(Show("replace(\"a-b-c\", \"-\", \"_\")") == "\"a_b_c\"");
  CHECK(Show("trimspace(\"\\t a b \\n\")") == "\"a b\"");
  CHECK(Show("lookup({a = 1}, \"b\", 2)") == "2");
  CHECK(Show("lookup({a = 1}, \"b\")") == "error: e.tf:1:1: lookup(): no key \"b\" in the map, and no default");
  CHECK(Show("coalesce(null, \"\", \"x\")") == "\"x\"");
  CHECK(Show("length(\"h\xC3\xA9\") + length([1, 2]) + length({a = 1})") == "5");
  CHECK(Show("keys({b = 1, a = 2})") == "[\"a\",\"b\"]");
  CHECK(Show("values({b = 1, a = 2})") == "[2,1]");
  CHECK(Show("toset([\"b\", \"a\", \"b\", 1])") == "[\"1\",\"a\",\"b\"]");
  CHECK(Show("tomap({a = 1, b = \"x\"})") == "{\"a\":\"1\",\"b\":\"x\"}");
  CHECK(Show("tolist(toset([\"b\", \"a\"]))") == "[\"a\",\"b\"]");
  CHECK(Show("flatten([[1, [2]], [], 3])") == "[1,2,3]");
  CHECK(Show("distinct([\"b\", \"a\", \"b\"])") == "[\"b\",\"a\"]");
  CHECK(Show("contains([\"a\", \"b\"], \"b\")") == "true");
  CHECK(Show("jsonencode({b = [1, null], a = \"<&>\"})") == "\"{\\\"a\\\":\\\"\\\\u003c\\\\u0026\\\\u003e\\\",\\\"b\\\":[1,null]}\"");
  CHECK(Show("jsonencode(1e21)") == "\"1000000000000000000000\"");
  CHECK(Show("try(local_value_that_fails, \"fallback\")") == "\"fallback\"");
  CHECK(Show("can(1/0)") == "false");
  CHECK(Show("merge({}, 1)") == "error: e.tf:1:1: merge(): argument 2: a map is needed, not a number");
  CHECK(Show("join(\",\")") == "error: e.tf:1:1: join(): takes at least 2 arguments, not 1");
  CHECK(Show("concat([1], [2]...)") == "error: e.tf:1:1: concat(): argument 2: a list or set is needed, not a number");
  CHECK(Show("concat([[1], [2]]...)") == "[1,2]");
}

TEST_CASE("eval: unknown values flow through operations and functions", "[eval]") {
  CHECK(Show("x", Unknown("x")) == "unknown: not known here");
  CHECK(Show("\"a-${x}\"", Unknown("x")) == "unknown: not known here");
  CHECK(Show("upper(x) == \"A\" ? 1 : 2", Unknown("x")) == "unknown: not known here");
  CHECK(Show("join(\",\", [\"a\", x])", Unknown("x")) == "unknown: not known here");
  CHECK(Show("length([\"a\", x])", Unknown("x")) == "2");  // the list is known, one item is not
  CHECK(Show("merge({a = x}, {b = 1}).b", Unknown("x")) == "1");
  CHECK(Show("[for v in x : v]", Unknown("x")) == "unknown: not known here");
  CHECK(Show("false && x", Unknown("x")) == "false");
  CHECK(Show("sha256(\"a\")").starts_with("unknown: the function sha256() is not evaluated offline by trailwatch"));
  CHECK(Show("provider::aws::arn_parse(\"a\").region")
            .starts_with("unknown: the provider function provider::aws::arn_parse()"));
  CHECK(Show("can(x)", Unknown("x")) == "unknown: not known here");
}

TEST_CASE("eval: numbers print as Terraform prints them", "[eval]") {
  CHECK(tf::FormatNumber(300) == "300");
  CHECK(tf::FormatNumber(1.5) == "1.5");
  CHECK(tf::FormatNumber(-0.25) == "-0.25");
  CHECK(tf::FormatNumber(1e21) == "1000000000000000000000");
  CHECK(tf::FormatNumber(1.5e-7) == "0.00000015");
  CHECK(Show("\"${60 * 5}s\"") == "\"300s\"");
}

TEST_CASE("eval: hostile expressions stop at the bounds with an error", "[eval]") {
  // Nesting deeper than the evaluator goes (the parser allows 256 levels).
  std::string deep = "1";
  for (int k = 0; k < 250; ++k) deep = "tostring(" + deep + ")";
  CHECK_THAT(Show(deep), Contains("expressions and references nest deeper than 200 levels"));
  CHECK(Show(std::string(250, '(') + "1" + std::string(250, ')')) == "1");  // parentheses are no nesting
  // Strings past 1 MiB.
  CHECK_THAT(Show("join(\"\", [for i in range(20000) : \"0123456789012345678901234567890123456789012345678901234567\"])"),
             Contains("join(): the result is too long"));
  // Collections past 100000 items, and nesting past 64 levels.
  CHECK_THAT(Show("range(200000)"), Contains("range(): too many items"));
  CHECK_THAT(Show("concat(range(60000), range(60000))"), Contains("e.tf:1:1: a collection of more than 100000 items"));
  std::string nested = "1";
  for (int k = 0; k < 70; ++k) nested = "[" + nested + "]";
  CHECK_THAT(Show(nested), Contains("a value nests collections deeper than 64 levels"));
  // The step budget: quadratic work stops, and stays stopped.
  tf::Budget budget;
  budget.steps = 100000;
  const tf::EvalResult r = EvalWith("[for a in range(1000) : [for b in range(1000) : a * b]]", nullptr, &budget);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Contains("evaluation too large"));
  CHECK_FALSE(EvalWith("1 + 1", nullptr, &budget).ok());
}

TEST_CASE("eval: a template file parses with positions, without escapes", "[eval]") {
  auto t = hcl::ParseTemplate("a \\n ${x}\n%{ if");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().line == 2);
  CHECK(t.error().column == 1);
  CHECK_THAT(t.error().message, Contains("is never closed"));
  auto ok = hcl::ParseTemplate("a \\n $${x} ${1 + 1}");
  REQUIRE(ok.ok());
  tf::Budget budget;
  tf::Evaluator evaluator(nullptr, &budget);
  tf::Context ctx;
  ctx.file = &kFile;
  const tf::EvalResult r = evaluator.EvalTemplate(ok.value()->parts, *ok.value(), ctx);
  REQUIRE(r.ok());
  CHECK(r.value().str() == "a \\n ${x} 2");
}
