// Status: how every trailwatch stage reports failure without exceptions
// (modeled on leveldb::Status); Result<T> carries a value or a Status.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace trailwatch {

/// The outcome of an operation. An OK status is a null pointer and costs
/// nothing to create or copy; an error holds a code and a message.
/// Thread-safety: a Status is a value; distinct objects may be used from
/// distinct threads without synchronization.
class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kIoError, kCorrupt, kInvalidArgument, kNotFound, kTooLarge };

  Status() = default;
  Status(const Status& other)
      : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status TooLarge(std::string msg) { return Status(Code::kTooLarge, std::move(msg)); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  /// The message without a code prefix; empty for OK.
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }

 private:
  struct Rep {
    Code code;
    std::string message;
  };
  Status(Code code, std::string msg) : rep_(std::make_unique<Rep>(Rep{code, std::move(msg)})) {}
  std::unique_ptr<Rep> rep_;
};

/// Where a parse failed, for any text trailwatch parses (a pattern, a rule
/// file, a Sigma rule, a state file): a byte offset, and 1-based line and
/// column when the text has lines (0 = not known). `file` may be empty.
struct ParseError {
  std::string message;
  std::string file;
  size_t offset = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  /// "file:line:col: message" (parts that are not known are left out).
  std::string Describe() const {
    std::string out = file;
    if (line > 0) {
      if (!out.empty()) out += ':';
      out += std::to_string(line);
      if (column > 0) out += ':' + std::to_string(column);
    }
    if (!out.empty()) out += ": ";
    return out + message;
  }
};

/// A value or the error explaining why there is none: `Status` by default,
/// `ParseError` for parsers. Asking an error result for its value is a bug
/// and asserts (no exceptions cross trailwatch's modules).
template <typename T, typename E = Status>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}   // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T& value() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  /// The error; for an OK result, a default E (Status::Ok() for Status).
  E error() const { return ok() ? E() : *std::get_if<1>(&v_); }
  /// Status-style name of error(), kept for Result<T, Status>.
  E status() const { return error(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace trailwatch
