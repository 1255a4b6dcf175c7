// Tests for the HCL subset parser (ruleset/hcl): every construct Terraform files
// use, the seed and CIS-style files in tests/data, and every error with its line:column.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "ruleset/hcl.h"
#include "ruleset/hcl_ast.h"

using trailwatch::ruleset::hcl::Attribute;
using trailwatch::ruleset::hcl::Block;
using trailwatch::ruleset::hcl::Body;
using trailwatch::ruleset::hcl::kMaxDepth;
using trailwatch::ruleset::hcl::Parse;
using trailwatch::ParseError;
using trailwatch::ruleset::hcl::Value;
using Kind = Value::Kind;
using Catch::Matchers::Contains;

namespace {

Body MustParse(std::string_view text) {
  auto body = Parse(text);
  INFO(text);
  INFO(body.error().Describe());
  REQUIRE(body.ok());
  return std::move(body).value();
}

ParseError MustFail(std::string_view text) {
  const auto body = Parse(text);
  INFO(text);
  REQUIRE_FALSE(body.ok());
  ParseError error = body.error();
  REQUIRE_FALSE(error.message.empty());
  REQUIRE(error.file.empty());
  return error;
}

// The value of `x = <expr>`.
Value ValueOf(std::string_view expr) {
  Body body = MustParse(fmt::format("x = {}\n", expr));
  REQUIRE(body.attributes.size() == 1);
  return std::move(body.attributes[0].value);
}

const Attribute& AttrOf(const Block& block, std::string_view name) {
  const Attribute* a = block.FindAttribute(name);
  INFO(name);
  REQUIRE(a != nullptr);
  return *a;
}

const Block& ResourceOf(const Body& body, std::string_view type, std::string_view name) {
  for (const Block& b : body.blocks) {
    if (b.type == "resource" && b.labels.size() == 2 && b.labels[0] == type && b.labels[1] == name) return b;
  }
  FAIL(fmt::format("no resource {}.{}", type, name));
  return body.blocks.front();
}

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(TW_TEST_DATA) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CheckPos(const trailwatch::ruleset::hcl::Pos& pos, uint32_t line, uint32_t column) {
  CHECK(pos.line == line);
  CHECK(pos.column == column);
}

void CheckPos(const ParseError& error, uint32_t line, uint32_t column) {
  CHECK(error.line == line);
  CHECK(error.column == column);
}

}  // namespace

// ---- structure ------------------------------------------------------------------

TEST_CASE("hcl: an empty file, or one with only comments and blank lines, is an empty body", "[hcl]") {
  for (std::string_view text : {"", "\n\n", "# just a comment\n", "/* block */\n// line\n  \t\n", "# no newline"}) {
    const Body body = MustParse(text);
    CHECK(body.attributes.empty());
    CHECK(body.blocks.empty());
  }
}

TEST_CASE("hcl: top-level attributes with literal values and positions", "[hcl]") {
  const Body body = MustParse("a = \"s\"\nbb   = 42\n  c = true\nd = false\ne = null\n");
  REQUIRE(body.attributes.size() == 5);
  CHECK(body.attributes[0].name == "a");
  CHECK(body.attributes[0].value.kind == Kind::kString);
  CHECK(body.attributes[0].value.text == "s");
  CheckPos(body.attributes[0].pos, 1, 1);
  CheckPos(body.attributes[0].value.pos, 1, 5);
  CHECK(body.attributes[1].value.kind == Kind::kNumber);
  CHECK(body.attributes[1].value.number == 42);
  CheckPos(body.attributes[1].value.pos, 2, 8);
  CheckPos(body.attributes[2].pos, 3, 3);
  CHECK(body.attributes[2].value.kind == Kind::kBool);
  CHECK(body.attributes[2].value.boolean);
  CHECK(body.attributes[3].value.kind == Kind::kBool);
  CHECK_FALSE(body.attributes[3].value.boolean);
  CHECK(body.attributes[4].value.kind == Kind::kNull);
  REQUIRE(body.FindAttribute("bb") != nullptr);
  CHECK(body.FindAttribute("bb")->value.text == "42");
  CHECK(body.FindAttribute("zz") == nullptr);
}

TEST_CASE("hcl: blocks with quoted and bare labels, nested, with positions", "[hcl]") {
  const Body body = MustParse(
      "resource \"aws_sns_topic\" \"alerts\" {\n"
      "  name = \"alerts\"\n"
      "  nested {\n"
      "    deeper bare_label {\n"
      "      k = 1\n"
      "    }\n"
      "  }\n"
      "}\n"
      "locals {\n"
      "}\n");
  REQUIRE(body.blocks.size() == 2);
  const Block& r = body.blocks[0];
  CHECK(r.type == "resource");
  CHECK(r.labels == std::vector<std::string>{"aws_sns_topic", "alerts"});
  CheckPos(r.pos, 1, 1);
  REQUIRE(r.attributes.size() == 1);
  CheckPos(r.attributes[0].pos, 2, 3);
  REQUIRE(r.blocks.size() == 1);
  CHECK(r.blocks[0].type == "nested");
  CHECK(r.blocks[0].labels.empty());
  CheckPos(r.blocks[0].pos, 3, 3);
  REQUIRE(r.blocks[0].blocks.size() == 1);
  const Block& d = r.blocks[0].blocks[0];
  CHECK(d.type == "deeper");
  CHECK(d.labels == std::vector<std::string>{"bare_label"});
  CheckPos(d.pos, 4, 5);
  CHECK(AttrOf(d, "k").value.number == 1);
  CHECK(body.blocks[1].type == "locals");
  CHECK(body.blocks[1].attributes.empty());
}

TEST_CASE("hcl: one-line and empty blocks", "[hcl]") {
  const Body body = MustParse(
      "x { a = 1 }\n"
      "y {}\n"
      "z \"l\" { }\n"
      "lifecycle { ignore_changes = [tags] }\n"
      "outer { inner { b = \"c\" } }\n");
  REQUIRE(body.blocks.size() == 5);
  CHECK(AttrOf(body.blocks[0], "a").value.number == 1);
  CheckPos(AttrOf(body.blocks[0], "a").pos, 1, 5);
  CHECK(body.blocks[1].attributes.empty());
  CHECK(body.blocks[1].blocks.empty());
  CHECK(body.blocks[2].labels == std::vector<std::string>{"l"});
  const Value& ignore = AttrOf(body.blocks[3], "ignore_changes").value;
  REQUIRE(ignore.kind == Kind::kList);
  REQUIRE(ignore.items.size() == 1);
  CHECK(ignore.items[0].kind == Kind::kReference);
  CHECK(ignore.items[0].text == "tags");
  REQUIRE(body.blocks[4].blocks.size() == 1);
  CHECK(AttrOf(body.blocks[4].blocks[0], "b").value.text == "c");
}

TEST_CASE("hcl: identifiers may contain dashes and digits; labels may be any string", "[hcl]") {
  const Body body = MustParse("block-type \"label with spaces \\\"q\\\"\" {\n  attr-1_x = 1\n}\n");
  REQUIRE(body.blocks.size() == 1);
  CHECK(body.blocks[0].type == "block-type");
  CHECK(body.blocks[0].labels == std::vector<std::string>{"label with spaces \"q\""});
  CHECK(AttrOf(body.blocks[0], "attr-1_x").value.number == 1);
}

TEST_CASE("hcl: comments of all three kinds, anywhere whitespace may be", "[hcl]") {
  const Body body = MustParse(
      "# hash comment\n"
      "// slash comment\n"
      "/* a block comment\n   over lines */\n"
      "resource /* inline */ \"a\" \"b\" { # after brace\n"
      "  period = 300 # 5 minutes\n"
      "  other  = 60 // a minute\n"
      "  third  = /* before */ 7 /* after */\n"
      "  list = [ # opening\n"
      "    1, // one\n"
      "    /* two */ 2,\n"
      "  ]\n"
      "} # end\n");
  REQUIRE(body.blocks.size() == 1);
  const Block& b = body.blocks[0];
  CHECK(b.labels == std::vector<std::string>{"a", "b"});
  CHECK(AttrOf(b, "period").value.kind == Kind::kNumber);
  CHECK(AttrOf(b, "period").value.number == 300);
  CHECK(AttrOf(b, "period").value.text == "300");
  CHECK(AttrOf(b, "other").value.number == 60);
  CHECK(AttrOf(b, "third").value.number == 7);
  CHECK(AttrOf(b, "list").value.items.size() == 2);
}

TEST_CASE("hcl: CRLF line endings, tabs and a UTF-8 BOM", "[hcl]") {
  const Body body = MustParse(
      "\xEF\xBB\xBFresource \"a\" \"b\" {\r\n"
      "\tname\t= \"x\" # c\r\n"
      "\tdoc = <<EOT\r\n"
      "line one\r\n"
      "EOT\r\n"
      "}\r\n");
  REQUIRE(body.blocks.size() == 1);
  CheckPos(body.blocks[0].pos, 1, 1);  // the BOM is not a column
  const Attribute& name = AttrOf(body.blocks[0], "name");
  CHECK(name.value.text == "x");
  CheckPos(name.pos, 2, 2);  // a tab is one column
  CheckPos(name.value.pos, 2, 9);
  CHECK(AttrOf(body.blocks[0], "doc").value.text == "line one\n");
}

TEST_CASE("hcl: columns count bytes, also after non-ASCII text", "[hcl]") {
  const Body body = MustParse("a = \"h\xC3\xA9\" \n b = 1\nc = \"\xE2\x82\xAC\" # \xE2\x82\xAC\nd = 2\n");
  CHECK(body.attributes[0].value.text == "h\xC3\xA9");
  CheckPos(body.attributes[1].pos, 2, 2);
  CHECK(body.attributes[2].value.text == "\xE2\x82\xAC");
  CheckPos(body.attributes[3].pos, 4, 1);
}

// ---- strings and templates --------------------------------------------------------

TEST_CASE("hcl: string escapes are processed", "[hcl]") {
  const Value v = ValueOf(R"("a\nb\rc\td\"e\\f\u00e9\U0001F600")");
  CHECK(v.kind == Kind::kString);
  CHECK_FALSE(v.is_template);
  CHECK(v.text == "a\nb\rc\td\"e\\f\xC3\xA9\xF0\x9F\x98\x80");
}

TEST_CASE("hcl: $${ and %%{ are literal ${ and %{, not templates", "[hcl]") {
  const Value v = ValueOf(R"("cost $${var.x} is 100%%{x} or $5 or 50% or $$")");
  CHECK(v.kind == Kind::kString);
  CHECK_FALSE(v.is_template);
  CHECK(v.text == "cost ${var.x} is 100%{x} or $5 or 50% or $$");
}

TEST_CASE("hcl: an interpolation makes a template kept as written", "[hcl]") {
  const Value v = ValueOf(R"("arn:aws:sns:${var.region}:${data.aws_caller_identity.current.account_id}:alerts")");
  CHECK(v.kind == Kind::kString);
  CHECK(v.is_template);
  CHECK(v.text == "arn:aws:sns:${var.region}:${data.aws_caller_identity.current.account_id}:alerts");
  CheckPos(v.pos, 1, 5);
}

TEST_CASE("hcl: interpolations may hold strings, braces, calls and strip markers", "[hcl]") {
  const Value v = ValueOf(R"("x-${lookup({ a = "}", b = "${var.c}" }, "a", "\"")}-${~ upper("y") ~}-y")");
  CHECK(v.is_template);
  CHECK(v.text == R"(x-${lookup({ a = "}", b = "${var.c}" }, "a", "\"")}-${~ upper("y") ~}-y)");
}

TEST_CASE("hcl: in a template, literal escapes are processed and $${ is kept", "[hcl]") {
  const Value v = ValueOf(R"("tab\there \"${var.x}\" $${not} \u0024{also not}")");
  CHECK(v.is_template);
  CHECK(v.text == "tab\there \"${var.x}\" $${not} $${also not}");
}

TEST_CASE("hcl: template directives are kept as template text", "[hcl]") {
  const Value v =
      ValueOf(R"("%{ if var.enabled }on%{ else }off%{ endif }, %{~ for n in var.names ~}${n},%{ endfor }")");
  CHECK(v.kind == Kind::kString);
  CHECK(v.is_template);
  CHECK(v.text == R"(%{ if var.enabled }on%{ else }off%{ endif }, %{~ for n in var.names ~}${n},%{ endfor })");
}

TEST_CASE("hcl: a string may be empty or hold only an interpolation", "[hcl]") {
  CHECK(ValueOf(R"("")").text.empty());
  const Value v = ValueOf(R"("${var.x}")");
  CHECK(v.is_template);
  CHECK(v.text == "${var.x}");
}

// ---- heredocs -------------------------------------------------------------------------

TEST_CASE("hcl: a heredoc keeps its lines, with the final newline", "[hcl]") {
  const Body body = MustParse(
      "pattern = <<EOT\n"
      "{ $.eventName = \"ConsoleLogin\" }\n"
      "  indented \\n stays\n"
      "EOT\n"
      "next = 1\n");
  REQUIRE(body.attributes.size() == 2);
  const Value& v = body.attributes[0].value;
  CHECK(v.kind == Kind::kString);
  CHECK_FALSE(v.is_template);
  CHECK(v.text == "{ $.eventName = \"ConsoleLogin\" }\n  indented \\n stays\n");
  CheckPos(v.pos, 1, 11);
  CHECK(body.attributes[1].value.number == 1);
}

TEST_CASE("hcl: <<- removes the common indentation; the closing line may be indented", "[hcl]") {
  const Body body = MustParse(
      "resource \"r\" \"n\" {\n"
      "  pattern = <<-PATTERN\n"
      "    {\n"
      "      $.a = 1\n"
      "\n"
      "    }\n"
      "    PATTERN\n"
      "  after = true\n"
      "}\n");
  const Block& b = body.blocks.at(0);
  CHECK(AttrOf(b, "pattern").value.text == "{\n  $.a = 1\n\n}\n");
  CHECK(AttrOf(b, "after").value.boolean);
}

TEST_CASE("hcl: <<- follows HCL: tabs count as one, blank lines do not count, sequences count as zero", "[hcl]") {
  CHECK(ValueOf("<<-EOT\n\t\tFoo\n\t Bar\n\t\n\tBaz\n\tEOT").text == "\tFoo\n Bar\n\t\nBaz\n");
  CHECK(ValueOf("<<-EOT\n    a\n      \n    b\n  EOT").text == "a\n      \nb\n");  // blank lines stay
  const Value interp = ValueOf("<<-EOT\n    a ${var.x}\n${var.y} b\nEOT");
  CHECK(interp.is_template);
  CHECK(interp.text == "    a ${var.x}\n${var.y} b\n");
  const Value indented = ValueOf("<<-EOT\n    a\n      ${var.x}\n    EOT");
  CHECK(indented.text == "a\n  ${var.x}\n");
}

TEST_CASE("hcl: heredoc delimiters are any identifier; only a line with it alone closes", "[hcl]") {
  const Body body = MustParse(
      "a = <<END_OF_POLICY\n"
      "  NOT END_OF_POLICY\n"
      "END_OF_POLICY_2\n"
      "  END_OF_POLICY  \n"
      "b = <<eot\n"
      "EOT\n"
      "eot\n");
  CHECK(body.attributes.at(0).value.text == "  NOT END_OF_POLICY\nEND_OF_POLICY_2\n");
  CHECK(body.attributes.at(1).value.text == "EOT\n");
}

TEST_CASE("hcl: heredoc templates, escapes and an empty heredoc", "[hcl]") {
  const Value t = ValueOf("<<EOT\nHello ${var.name}, $${literal} and \\t\n%{ if var.x }x%{ endif }\nEOT");
  CHECK(t.is_template);
  CHECK(t.text == "Hello ${var.name}, $${literal} and \\t\n%{ if var.x }x%{ endif }\n");
  const Value plain = ValueOf("<<EOT\ncost $${x}\nEOT");
  CHECK_FALSE(plain.is_template);
  CHECK(plain.text == "cost ${x}\n");
  CHECK(ValueOf("<<EOT\nEOT").text.empty());
  // An interpolation may span lines; the closing line must be at a line start.
  const Value multi = ValueOf("<<EOT\n${join(\",\",\n  [\"a\"])} EOT\nEOT");
  CHECK(multi.text == "${join(\",\",\n  [\"a\"])} EOT\n");
}

TEST_CASE("hcl: a heredoc's closing line may end the file", "[hcl]") {
  const Body body = MustParse("a = <<EOT\nx\nEOT");
  CHECK(body.attributes.at(0).value.text == "x\n");
}

// ---- numbers, lists, maps -----------------------------------------------------------

TEST_CASE("hcl: numbers: integers, decimals, exponents, negatives", "[hcl]") {
  const Value i = ValueOf("300");
  CHECK(i.kind == Kind::kNumber);
  CHECK(i.number == 300);
  CHECK(i.text == "300");
  CHECK(ValueOf("1.5").number == 1.5);
  CHECK(ValueOf("2e3").number == 2000);
  CHECK(ValueOf("2.5E-1").number == 0.25);
  CHECK(ValueOf("1e+2").number == 100);
  const Value n = ValueOf("-7.5");
  CHECK(n.kind == Kind::kNumber);
  CHECK(n.number == -7.5);
  CHECK(n.text == "-7.5");
  CHECK(ValueOf("1e999").number == std::numeric_limits<double>::infinity());
  CHECK(ValueOf("- 1").kind == Kind::kExpression);  // spaced: an operation, kept as text
}

TEST_CASE("hcl: lists across lines, with trailing commas, nested and empty", "[hcl]") {
  const Value v = ValueOf("[\n  \"a\",\n  1,\n  [true, null],\n  [],\n  var.x,\n]");
  REQUIRE(v.kind == Kind::kList);
  REQUIRE(v.items.size() == 5);
  CHECK(v.items[0].text == "a");
  CheckPos(v.items[0].pos, 2, 3);
  CHECK(v.items[1].number == 1);
  REQUIRE(v.items[2].kind == Kind::kList);
  CHECK(v.items[2].items.size() == 2);
  CHECK(v.items[2].items[1].kind == Kind::kNull);
  CHECK(v.items[3].items.empty());
  CHECK(v.items[4].kind == Kind::kReference);
  CHECK(v.items[4].text == "var.x");
  CHECK(ValueOf("[]").items.empty());
  CHECK(ValueOf("[1,2,3]").items.size() == 3);
}

TEST_CASE("hcl: maps with = and :, quoted keys, commas or newlines, nested values", "[hcl]") {
  const Value v = ValueOf(
      "{\n"
      "  Name = \"x\"\n"
      "  \"k.2\" = 2, other: true\n"
      "  nested = { a = [1, 2], \"b\" = { c = null } }\n"
      "  (var.key) = \"computed\"\n"
      "  \"${var.p}-k\" = 1\n"
      "}");
  REQUIRE(v.kind == Kind::kMap);
  REQUIRE(v.entries.size() == 6);
  CHECK(v.entries[0].first == "Name");
  CHECK(v.entries[0].second.text == "x");
  CheckPos(v.entries[0].second.pos, 2, 10);
  CHECK(v.entries[1].first == "k.2");
  CHECK(v.entries[1].second.number == 2);
  CHECK(v.entries[2].first == "other");
  CHECK(v.entries[2].second.boolean);
  const Value* nested = v.Find("nested");
  REQUIRE(nested != nullptr);
  REQUIRE(nested->kind == Kind::kMap);
  CHECK(nested->Find("a")->items.size() == 2);
  CHECK(nested->Find("b")->Find("c")->kind == Kind::kNull);
  CHECK(v.entries[4].first == "(var.key)");
  CHECK(v.entries[5].first == "\"${var.p}-k\"");  // as written, quotes included
  CHECK(v.Find("missing") == nullptr);
  CHECK(ValueOf("{}").entries.empty());
  CHECK(ValueOf("{ a = 1, b = 2, }").entries.size() == 2);
}

// ---- references and expressions ----------------------------------------------------------

TEST_CASE("hcl: traversals are references with their text as written", "[hcl]") {
  for (std::string_view ref :
       {"var.x", "local.y", "aws_sns_topic.alerts.arn", "data.aws_caller_identity.current.account_id",
        "module.m.out", "x[0]", "x[\"k\"]", "x.*.id", "x[*].id", "data.a.b[0].c", "aws_instance.web.0.id",
        "count.index", "each.value[\"pattern\"]", "string", "x[*].y[*].z", "x.*.y[0].*", "x.*.y.0.z"}) {
    const Value v = ValueOf(ref);
    INFO(ref);
    CHECK(v.kind == Kind::kReference);
    CHECK(v.text == ref);
  }
}

TEST_CASE("hcl: an index that is not a literal makes an expression", "[hcl]") {
  const Value v = ValueOf("aws_cloudwatch_log_metric_filter.this[each.key].id");
  CHECK(v.kind == Kind::kExpression);
  CHECK(v.text == "aws_cloudwatch_log_metric_filter.this[each.key].id");
}

TEST_CASE("hcl: function calls are expressions with their source text", "[hcl]") {
  for (std::string_view call :
       {"format(\"%s-%s\", var.x, local.y)", "concat([\"a\"], var.list)", "merge(var.tags, { Name = \"x\" })",
        "max(var.list...)", "coalesce(var.a, \"d\",)", "provider::aws::arn_parse(var.arn).account_id",
        "length(var.list) > 0", "file(\"${path.module}/policy.json\")", "values(var.m)[*].name",
        "tolist(var.s)[0]"}) {
    const Value v = ValueOf(call);
    INFO(call);
    CHECK(v.kind == Kind::kExpression);
    CHECK(v.text == call);
  }
}

TEST_CASE("hcl: a function call across lines, with a map and a heredoc inside", "[hcl]") {
  const Body body = MustParse(
      "policy = jsonencode({\n"
      "  Version = \"2012-10-17\"\n"
      "  Statement = [{ Effect = \"Allow\", Action = [\"sns:Publish\"] }]\n"
      "})\n"
      "doc = trimspace(<<EOT\n"
      "  text )\n"
      "EOT\n"
      ")\n"
      "after = 1\n");
  REQUIRE(body.attributes.size() == 3);
  const Value& p = body.attributes[0].value;
  CHECK(p.kind == Kind::kExpression);
  CHECK(p.text ==
        "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [{ Effect = \"Allow\", Action = [\"sns:Publish\"] "
        "}]\n})");
  CheckPos(p.pos, 1, 10);
  CHECK(body.attributes[1].value.text == "trimspace(<<EOT\n  text )\nEOT\n)");
  CHECK(body.attributes[2].value.number == 1);
}

TEST_CASE("hcl: conditionals, operators and unary operators are expressions", "[hcl]") {
  for (std::string_view e :
       {"var.create ? 1 : 0", "var.a ? var.b ? 1 : 2 : 3", "a == \"x\" && !b || c != d", "var.period * 60 + 5",
        "-var.x", "!var.enabled", "(var.x)", "(1 + 2) * 3", "1 < 2", "a >= b", "a % 2", "a / b - -c",
        "var.list[0] == null ? \"none\" : var.list[0]"}) {
    const Value v = ValueOf(e);
    INFO(e);
    CHECK(v.kind == Kind::kExpression);
    CHECK(v.text == e);
  }
}

TEST_CASE("hcl: for expressions, tuple and object forms", "[hcl]") {
  for (std::string_view e :
       {"[for x in var.list : x.id]", "[for i, v in var.list : upper(v) if i < 2]",
        "{for k, v in var.map : k => v}", "{ for k, v in var.map : v => k... if k != \"\" }",
        "[for s in var.subnets : { id = s.id, az = s.az }]", "[\n  for x in y :\n  x\n]"}) {
    const Value v = ValueOf(e);
    INFO(e);
    CHECK(v.kind == Kind::kExpression);
    CHECK(v.text == e);
  }
}

TEST_CASE("hcl: an expression ends at a newline only outside brackets", "[hcl]") {
  const Body body = MustParse(
      "a = merge(\n"
      "  var.x,\n"
      "  var.y\n"
      ")\n"
      "b = var.c ? (\n"
      "  1\n"
      ") : 2\n"
      "c = 1 +\n"
      "  2\n"
      "d = [\n"
      "  1\n"
      "  + 2\n"
      "]\n");
  REQUIRE(body.attributes.size() == 4);
  CHECK(body.attributes[0].value.text == "merge(\n  var.x,\n  var.y\n)");
  CHECK(body.attributes[1].value.text == "var.c ? (\n  1\n) : 2");
  CHECK(body.attributes[2].value.text == "1 +\n  2");
  REQUIRE(body.attributes[3].value.items.size() == 1);
  CHECK(body.attributes[3].value.items[0].text == "1\n  + 2");
}

TEST_CASE("hcl: values inside lists and maps keep their own kinds", "[hcl]") {
  const Value v = ValueOf("[var.a, f(1), \"s${x}\", { k = a.b[0] }, -1, 1 + 1]");
  REQUIRE(v.items.size() == 6);
  CHECK(v.items[0].kind == Kind::kReference);
  CHECK(v.items[1].kind == Kind::kExpression);
  CHECK(v.items[1].text == "f(1)");
  CHECK(v.items[2].is_template);
  CHECK(v.items[3].Find("k")->kind == Kind::kReference);
  CHECK(v.items[3].Find("k")->text == "a.b[0]");
  CHECK(v.items[4].number == -1);
  CHECK(v.items[5].kind == Kind::kExpression);
  CHECK(v.items[5].text == "1 + 1");
}

// ---- Terraform files --------------------------------------------------------------------

TEST_CASE("hcl: terraform, provider, variable, locals, output, module, data and dynamic blocks", "[hcl]") {
  const Body body = MustParse(
      "terraform {\n"
      "  required_providers {\n"
      "    aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" }\n"
      "  }\n"
      "}\n"
      "provider \"aws\" { region = \"eu-west-1\" }\n"
      "variable \"threshold\" {\n"
      "  type    = number\n"
      "  default = 5\n"
      "  validation {\n"
      "    condition     = var.threshold > 0\n"
      "    error_message = \"Must be positive.\"\n"
      "  }\n"
      "}\n"
      "variable \"cfg\" {\n"
      "  type = object({ name = string, tags = optional(map(string), {}) })\n"
      "}\n"
      "locals {\n"
      "  name = \"alarms-${var.env}\"\n"
      "}\n"
      "output \"arn\" { value = aws_sns_topic.t.arn }\n"
      "module \"m\" {\n"
      "  source = \"./m\"\n"
      "}\n"
      "data \"aws_region\" \"current\" {}\n"
      "resource \"aws_security_group\" \"sg\" {\n"
      "  dynamic \"ingress\" {\n"
      "    for_each = var.ports\n"
      "    content {\n"
      "      from_port = ingress.value\n"
      "    }\n"
      "  }\n"
      "}\n");
  REQUIRE(body.blocks.size() == 9);
  CHECK(body.blocks[0].blocks[0].attributes[0].value.Find("version")->text == "~> 5.0");
  CHECK(body.blocks[2].labels[0] == "threshold");
  CHECK(AttrOf(body.blocks[2], "type").value.kind == Kind::kReference);
  CHECK(AttrOf(body.blocks[2], "type").value.text == "number");
  CHECK(AttrOf(body.blocks[2], "default").value.number == 5);
  CHECK(body.blocks[2].blocks[0].type == "validation");
  CHECK(AttrOf(body.blocks[3], "type").value.kind == Kind::kExpression);
  CHECK(AttrOf(body.blocks[4], "name").value.is_template);
  CHECK(body.blocks[7].labels == std::vector<std::string>{"aws_region", "current"});
  const Block& dyn = body.blocks[8].blocks.at(0);
  CHECK(dyn.type == "dynamic");
  CHECK(dyn.labels == std::vector<std::string>{"ingress"});
  CHECK(dyn.blocks.at(0).type == "content");
}

TEST_CASE("hcl: seed-monitoring.tf: all resource blocks, types and labels", "[hcl]") {
  const Body body = MustParse(ReadData("seed-monitoring.tf"));
  CHECK(body.attributes.empty());
  // The brief counted 10; the file has 12 resource blocks (grep -c '^resource').
  REQUIRE(body.blocks.size() == 12);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"aws_cloudtrail", "security_trail"},
      {"aws_s3_bucket", "cloudtrail_logs"},
      {"aws_s3_bucket_server_side_encryption_configuration", "cloudtrail_logs"},
      {"aws_cloudwatch_log_group", "cloudtrail"},
      {"aws_cloudwatch_log_metric_filter", "failed_console_login"},
      {"aws_cloudwatch_metric_alarm", "failed_login_alarm"},
      {"aws_sns_topic", "security_alerts"},
      {"aws_sns_topic_subscription", "security_email"},
      {"aws_cloudwatch_log_metric_filter", "root_activity"},
      {"aws_cloudwatch_metric_alarm", "root_usage_alarm"},
      {"aws_cloudwatch_log_metric_filter", "security_group_changes"},
      {"aws_cloudwatch_log_metric_filter", "iam_policy_changes"},
  };
  for (size_t k = 0; k < expected.size(); ++k) {
    INFO(k);
    CHECK(body.blocks[k].type == "resource");
    CHECK(body.blocks[k].labels == std::vector<std::string>{expected[k].first, expected[k].second});
  }
  CheckPos(body.blocks[0].pos, 2, 1);
  CheckPos(body.blocks[4].pos, 55, 1);
}

TEST_CASE("hcl: seed-monitoring.tf: the fields the rule loader reads", "[hcl]") {
  const Body body = MustParse(ReadData("seed-monitoring.tf"));
  const Block& filter = ResourceOf(body, "aws_cloudwatch_log_metric_filter", "failed_console_login");
  const Value& pattern = AttrOf(filter, "pattern").value;
  CHECK(pattern.kind == Kind::kString);
  CHECK_FALSE(pattern.is_template);
  CHECK(pattern.text == R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })");
  CheckPos(pattern.pos, 57, 11);
  const Value& group = AttrOf(filter, "log_group_name").value;
  CHECK(group.kind == Kind::kReference);
  CHECK(group.text == "aws_cloudwatch_log_group.cloudtrail.name");
  REQUIRE(filter.blocks.size() == 1);
  CHECK(filter.blocks[0].type == "metric_transformation");
  CHECK(AttrOf(filter.blocks[0], "value").value.text == "1");

  const Block& alarm = ResourceOf(body, "aws_cloudwatch_metric_alarm", "failed_login_alarm");
  const Value& period = AttrOf(alarm, "period").value;
  CHECK(period.kind == Kind::kNumber);
  CHECK(period.number == 300);
  CHECK(period.text == "300");
  const Value& actions = AttrOf(alarm, "alarm_actions").value;
  REQUIRE(actions.kind == Kind::kList);
  REQUIRE(actions.items.size() == 1);
  CHECK(actions.items[0].kind == Kind::kReference);
  CHECK(actions.items[0].text == "aws_sns_topic.security_alerts.arn");
  CHECK(AttrOf(alarm, "tags").value.Find("Name")->text == "failed-login-alarm");

  const Block& trail = ResourceOf(body, "aws_cloudtrail", "security_trail");
  const Value& group_arn = AttrOf(trail, "cloud_watch_logs_group_arn").value;
  CHECK(group_arn.is_template);
  CHECK(group_arn.text == "${aws_cloudwatch_log_group.cloudtrail.arn}:*");
  REQUIRE(trail.blocks.size() == 2);
  CHECK(trail.blocks[1].blocks.at(0).type == "data_resource");
  const Block& root = ResourceOf(body, "aws_cloudwatch_log_metric_filter", "root_activity");
  CHECK(AttrOf(root, "pattern").value.text ==
        R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && )"
        R"($.eventType != "AwsServiceEvent" })");
}

TEST_CASE("hcl: a CIS alarm module in community style parses", "[hcl]") {
  const Body body = MustParse(ReadData("cis-alarms.tf"));
  size_t resources = 0, variables = 0;
  for (const Block& b : body.blocks) {
    resources += b.type == "resource";
    variables += b.type == "variable";
  }
  CHECK(resources == 5);
  CHECK(variables == 7);
  const Block* locals = nullptr;
  for (const Block& b : body.blocks) {
    if (b.type == "locals") locals = &b;
  }
  REQUIRE(locals != nullptr);
  CHECK(AttrOf(*locals, "period").value.number == 300);
  const Value& all = AttrOf(*locals, "all_controls").value;
  REQUIRE(all.kind == Kind::kMap);
  REQUIRE(all.entries.size() == 5);
  CHECK(all.entries[3].first == "IAMChanges");
  CHECK(all.Find("UnauthorizedAPICalls")->Find("pattern")->text ==
        R"({ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") })");
  CHECK(all.Find("RootUsage")->Find("pattern")->text ==
        "{\n  $.userIdentity.type = \"Root\" &&\n  $.userIdentity.invokedBy NOT EXISTS &&\n"
        "  $.eventType != \"AwsServiceEvent\"\n}\n");
  CHECK(all.Find("IAMChanges")->Find("pattern")->kind == Kind::kExpression);
  CHECK(AttrOf(*locals, "iam_events").value.items.size() == 4);
  CHECK(AttrOf(*locals, "controls").value.kind == Kind::kExpression);

  const Block& filter = ResourceOf(body, "aws_cloudwatch_log_metric_filter", "this");
  CHECK(AttrOf(filter, "for_each").value.text == "var.create ? local.controls : {}");
  CHECK(AttrOf(filter, "pattern").value.kind == Kind::kReference);
  const Block& mfa = ResourceOf(body, "aws_cloudwatch_log_metric_filter", "console_without_mfa");
  CHECK(AttrOf(mfa, "pattern").value.text ==
        "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && "
        "($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }\n");
  CHECK(mfa.blocks.at(0).FindAttribute("dimensions")->value.Find("User")->text == "$.userIdentity.userName");
  const Block& alarm = ResourceOf(body, "aws_cloudwatch_metric_alarm", "console_without_mfa");
  CHECK(AttrOf(alarm, "metric_name").value.kind == Kind::kReference);
  CHECK(AttrOf(alarm, "ok_actions").value.text == "aws_sns_topic.alarms[*].arn");
  CHECK(AttrOf(alarm, "period").value.text == "local.period");
}

// ---- errors -------------------------------------------------------------------------------

namespace {
struct ErrorCase {
  const char* text;
  const char* message;  // a fragment of the message
  uint32_t line;
  uint32_t column;
};
}  // namespace

TEST_CASE("hcl: errors name the problem and where it is", "[hcl]") {
  const ErrorCase cases[] = {
      // Unterminated things point at where they were opened.
      {"a = \"abc\n", "unterminated string", 1, 5},
      {"a = \"abc", "before the end of the file (string opened at 1:5)", 1, 5},
      {"x {\n  p = <<EOT\n  text\n", "unterminated heredoc: no line with just 'EOT' closes the heredoc opened at 2:7",
       2, 7},
      {"a = 1\n/* open\n", "unterminated comment: the '/*' opened at 2:1 has no closing '*/'", 2, 1},
      {"resource \"a\" \"b\" {\n  x = 1\n", "the '{' of block 'resource' (opened at 1:18) is never closed", 1, 18},
      {"a = [1,\n 2\n", "the '[' of a list (opened at 1:5) is never closed", 1, 5},
      {"a = {\n k = 1\n", "the '{' of a map (opened at 1:5) is never closed", 1, 5},
      {"a = f(1,", "the '(' of the call to 'f' (opened at 1:6) is never closed", 1, 6},
      {"a = (1", "the '(' (opened at 1:5) is never closed", 1, 5},
      {"a = x[1", "the '[' of an index (opened at 1:6) is never closed", 1, 6},
      {"a = \"${var.x", "the '${' of an interpolation (opened at 1:6) is never closed", 1, 6},
      // Stray or unexpected tokens.
      {"a = 1\n}\n", "unexpected '}': there is no open block to close", 2, 1},
      {"x {\n}\n}\n", "unexpected '}'", 3, 1},
      {"a = 1 }\n", "expected a newline after the value of attribute 'a', found '}'", 1, 7},
      {"a = 1 b = 2\n", "expected a newline after the value of attribute 'a', found 'b'", 1, 7},
      {"x { a = 1 } y\n", "expected a newline after the '}' of block 'x', found 'y'", 1, 13},
      {"= 1\n", "expected an attribute name or a block type, found '='", 1, 1},
      {"\"a\" = 1\n", "expected an attribute name or a block type, found a string", 1, 1},
      {"a = )\n", "expected an expression, found ')'", 1, 5},
      {"a = [1 2]\n", "expected ',' or ']' after a list item, found '2'", 1, 8},
      {"a = { k 1 }\n", "expected '=' or ':' after the map key 'k', found '1'", 1, 9},
      {"a = { k = 1 j = 2 }\n", "expected ',' or a newline after the value of map key 'k', found 'j'", 1, 13},
      {"a = f(1 2)\n", "expected ',' or ')' in the arguments of 'f', found '2'", 1, 9},
      {"a = b ? c\n", "expected ':' for the conditional expression whose '?' is at 1:7, found end of line", 1, 10},
      {"a = [for x in y x]\n", "expected ':' after the collection of the 'for', found 'x'", 1, 17},
      {"a = {for k, v in m : k v}\n", "expected '=>' between the key and the value", 1, 24},
      {"a = x.\n", "expected an attribute name, an index or '*' after '.', found end of line", 1, 7},
      {"a = x.+\n", "after '.', found '+'", 1, 7},
      {"a = x.0.1\n", "legacy index syntax '.N' cannot be chained", 1, 8},
      {"a = x.*.y.*\n", "nested splat expression not allowed", 1, 11},
      {"a = 4.44.4\n", "invalid number literal '4.44.4'", 1, 5},
      {"a = <<EOT\nx\ry\nEOT\n", "a carriage return in a heredoc must be followed by a newline", 2, 2},
      {"a = 1 @\n", "found '@'", 1, 7},
      {"a = provider::aws::f\n", "expected '(' after a function name", 1, 21},
      {"a = \x01\n", "control character 0x01", 1, 5},
      {"a = 1\rb = 2\n", "control character 0x0D", 1, 6},
      // Attributes without '=' or without a value.
      {"period 300\n", "expected '=' after attribute name 'period'", 1, 8},
      {"x {\n  period\n}\n", "expected '=' after attribute name 'period' (or labels and '{' after a block type), "
                            "found end of line", 2, 9},
      {"a =\n", "attribute 'a' has no value: expected an expression after '=', found end of line", 1, 4},
      {"a = # nothing\n", "attribute 'a' has no value", 1, 14},
      {"a = { k =\n}\n", "map key 'k' has no value", 1, 10},
      {"x \"l\" = 1\n", "expected '{' to open block 'x', found '='", 1, 7},
      {"x \"l\" \"m\"\n", "expected '{' to open block 'x', found end of line", 1, 10},
      // Strings and templates.
      {"a = \"\\q\"\n", "invalid escape sequence '\\' followed by 'q'", 1, 6},
      {"a = \"\\u12\"\n", "'\\u' needs 4 hexadecimal digits", 1, 6},
      {"a = \"\\uD800\"\n", "U+D800 is not a Unicode character", 1, 6},
      {"a = \"\\U00110000\"\n", "U+110000 is not a Unicode character", 1, 6},
      {"a = \"%{ if x }y\"\n", "the template directive '%{ if }' opened at 1:6 has no '%{ endif }'", 1, 6},
      {"a = \"%{ endfor }\"\n", "'%{ endfor }' without a matching '%{ for }'", 1, 9},
      {"a = \"%{ if x }%{ endfor }%{ endif }\"\n", "'%{ endfor }' without a matching '%{ for }'", 1, 18},
      {"a = \"%{ while x }\"\n", "unknown template directive 'while'", 1, 9},
      {"a = \"%{ if x }a%{ else }b%{ else }c%{ endif }\"\n", "a second '%{ else }'", 1, 29},
      {"a = \"${}\"\n", "expected an expression, found '}'", 1, 8},
      {"a = \"${ x y }\"\n", "expected '}' to end the interpolation, found 'y'", 1, 11},
      {"x \"${var.y}\" {}\n", "a block label is a plain string", 1, 3},
      {"a = <<EOT x\nEOT\n", "a newline right after the heredoc delimiter 'EOT'", 1, 10},
      {"a = <<\nEOT\n", "a heredoc delimiter such as EOT after '<<'", 1, 7},
      {"a = <<-EOT\n  x\n  EOT x\n", "unterminated heredoc", 1, 5},
      // Input that is not text.
      {"a = \"\xFF\"\n", "invalid UTF-8: byte 0xFF", 1, 6},
      {"a = 1\nb = \"\xC3\x28\"\n", "invalid UTF-8: byte 0xC3", 2, 6},
      {"a = \"\xC0\xAF\"\n", "invalid UTF-8", 1, 6},        // overlong
      {"a = \"\xED\xA0\x80\"\n", "invalid UTF-8", 1, 6},    // surrogate
      {"a = \"\xE2\x82\"", "invalid UTF-8", 1, 6},          // truncated
      // Duplicates.
      {"x {\n  a = 1\n  a = 2\n}\n", "attribute 'a' is already defined at 2:3", 3, 3},
  };
  for (const ErrorCase& c : cases) {
    const ParseError error = MustFail(c.text);
    INFO(c.text);
    INFO(error.Describe());
    CHECK_THAT(error.message, Contains(c.message));
    CHECK(error.line == c.line);
    CHECK(error.column == c.column);
  }
}

TEST_CASE("hcl: a NUL byte is rejected with its position", "[hcl]") {
  const std::string text("a = 1\nb = \"x\0y\"\n", 16);
  const ParseError error = MustFail(text);
  CHECK_THAT(error.message, Contains("NUL byte"));
  CheckPos(error, 2, 7);
  CHECK(error.offset == 12);  // the byte offset too, for the project's ParseError
  CHECK(error.Describe() == "2:7: NUL byte: a .tf file must be text (NUL is allowed only in comments)");
}

TEST_CASE("hcl: comments may hold any bytes, as in Terraform (Latin-1 text, NUL)", "[hcl]") {
  const std::string text(
      "# (c) Soci\xE9t\xE9 G\xE9n\xE9rale\n"
      "a = 1 // caf\xE9\n"
      "/* \xFF\xFE \0 */ b = \"ok\"\n"
      "# \xC3\n",
      61);
  const Body body = MustParse(text);
  REQUIRE(body.attributes.size() == 2);
  CHECK(body.attributes[1].value.text == "ok");
  // Outside comments the same bytes are an error, reported before later problems.
  CheckPos(MustFail("# \xE9\na = \"caf\xE9\"\n"), 2, 9);
  CheckPos(MustFail("a\xE9 = 1\n"), 1, 2);
  CheckPos(MustFail("a = [\xE9, \n"), 1, 6);
  CheckPos(MustFail("a = 1\nb = \"\xFF\"\n}\n"), 2, 6);
  CHECK_THAT(MustFail("a = 1 \xFF\n").message, Contains("invalid UTF-8: byte 0xFF"));
}

TEST_CASE("hcl: an unterminated block in a realistic file points at its brace", "[hcl]") {
  const ParseError error = MustFail(
      "resource \"aws_cloudwatch_metric_alarm\" \"a\" {\n"
      "  alarm_name = \"x\"\n"
      "  dimensions = {\n"
      "    Foo = \"bar\"\n"
      "  }\n");
  CHECK(error.message ==
        "unexpected end of file: the '{' of block 'resource' (opened at 1:44) is never closed");
  CheckPos(error, 1, 44);
}

TEST_CASE("hcl: an unterminated string inside a block names the string's line", "[hcl]") {
  const ParseError error = MustFail(
      "resource \"a\" \"b\" {\n"
      "  pattern = \"{ $.eventName = ConsoleLogin }\n"
      "  period = 300\n"
      "}\n");
  CHECK_THAT(error.message, Contains("unterminated string: no closing '\"' before the end of the line"));
  CheckPos(error, 2, 13);
}

// ---- limits and hostile input ---------------------------------------------------------------

TEST_CASE("hcl: nesting up to the limit parses, deeper is an error", "[hcl]") {
  const auto nested = [](int depth) {
    return "a = " + std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']') +
           "\n";
  };
  const Body ok = MustParse(nested(kMaxDepth));
  const Value* v = &ok.attributes.at(0).value;
  int depth = 1;
  while (!v->items.empty()) {
    v = &v->items[0];
    ++depth;
  }
  CHECK(depth == kMaxDepth);
  const ParseError error = MustFail(nested(kMaxDepth + 1));
  CHECK_THAT(error.message, Contains("nesting deeper than 256 levels"));
  CheckPos(error, 1, 5 + static_cast<uint32_t>(kMaxDepth));
}

TEST_CASE("hcl: every kind of nesting counts toward the limit", "[hcl]") {
  const size_t deep = 100000;
  const std::vector<std::string> hostile = {
      "a = " + std::string(deep, '(') + "1" + std::string(deep, ')') + "\n",
      "a = " + std::string(deep, '-') + "1\n",
      "a = " + std::string(deep, '!') + "x\n",
      [&] {
        std::string s = "a = ";
        for (size_t k = 0; k < deep; ++k) s += "x ? ";
        return s + "1\n";
      }(),
      [&] {
        std::string s = "a = ";
        for (size_t k = 0; k < deep; ++k) s += "\"${";
        return s;
      }(),
      [&] {
        std::string s;
        for (size_t k = 0; k < deep; ++k) s += "b {\n";
        return s;
      }(),
      "a = " + std::string(deep, '{') + "\n",
      [&] {
        std::string s = "a = ";
        for (size_t k = 0; k < deep; ++k) s += "f(";
        return s;
      }(),
  };
  for (const std::string& text : hostile) {
    INFO(text.substr(0, 20));
    const ParseError error = MustFail(text);
    CHECK_THAT(error.message, Contains("nesting deeper than 256 levels"));
  }
}

TEST_CASE("hcl: long flat input parses into flat trees", "[hcl]") {
  // How fast is bench/hcl_bench.cpp's business; this checks the results.
  std::string chain = "a = x";
  for (int k = 0; k < 200000; ++k) chain += " + x";
  chain += "\n";
  const Body body = MustParse(chain);
  CHECK(body.attributes.at(0).value.kind == Kind::kExpression);
  CHECK(body.attributes.at(0).value.text.size() == chain.size() - 5);
  const trailwatch::ruleset::hcl::Expr& tree = *body.attributes.at(0).value.expr;
  CHECK(tree.kind == trailwatch::ruleset::hcl::Expr::Kind::kBinary);
  CHECK(tree.args.size() == 200001);  // one chain, not 200000 nested nodes

  std::string list = "a = [";
  for (int k = 0; k < 100000; ++k) list += "\"v\", ";
  list += "]\n";
  CHECK(MustParse(list).attributes.at(0).value.items.size() == 100000);

  std::string attrs;
  for (int k = 0; k < 20000; ++k) attrs += fmt::format("r \"t\" \"n{}\" {{\n  v{} = {}\n}}\n", k, k, k);
  CHECK(MustParse(attrs).blocks.size() == 20000);
}
