// hcl_functions: the table of Terraform functions trailwatch evaluates
// offline. Collection and number functions live in hcl_functions.cpp, string
// functions in hcl_functions_text.cpp; file, templatefile, try and can need
// the evaluator and live with the call machinery (hcl_call.cpp).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruleset/hcl_eval.h"

namespace trailwatch::ruleset::tf::functions {

/// A call being made: its arguments' context, for errors.
struct Call {
  std::string_view name;
  const Context* ctx;
  hcl::Pos pos;
  Evaluator* evaluator;
  /// "name: message" at the call.
  RuleError Fail(std::string_view message) const;
  /// Charges `n` steps; false when the budget is spent.
  bool Charge(size_t n) const;
};

using Fn = EvalResult (*)(const std::vector<Value>& args, const Call& call);

struct Function {
  std::string_view name;
  int min_args;
  int max_args;  ///< -1: any number
  /// True if the function only moves values around (merge, concat, length...)
  /// and so works on collections holding unknown values; the others get an
  /// unknown result as soon as any argument holds one.
  bool structural;
  Fn fn;
};

std::span<const Function> CollectionFunctions();
std::span<const Function> TextFunctions();

/// The argument as a string, number or bool, or the error naming it.
Result<std::string, RuleError> StringArg(const std::vector<Value>& args, size_t i, const Call& call);
Result<double, RuleError> NumberArg(const std::vector<Value>& args, size_t i, const Call& call);
/// A list or set argument's items; a map is an error.
Result<Value::Items, RuleError> ListArg(const std::vector<Value>& args, size_t i, const Call& call);

/// The number of Unicode characters in UTF-8 text.
size_t CountChars(std::string_view s);
/// A string value, or an error if it exceeds kMaxString.
EvalResult StringResult(std::string s, const Call& call);

}  // namespace trailwatch::ruleset::tf::functions
