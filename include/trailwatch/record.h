// Record and RecordReader: every input format (S3 `{"Records":[...]}` files,
// JSON arrays, JSON lines, CloudWatch Logs exports, EventBridge events) becomes
// a stream of CloudTrail record objects handed to a RecordSink, one at a time.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/byte_source.h"
#include "trailwatch/input.h"
#include "trailwatch/status.h"
#include "trailwatch/time.h"

namespace trailwatch {

/// Where a record sits in its input, for messages.
struct RecordLocation {
  uint64_t index = 0;   ///< 0-based position among the records of the input
  uint64_t line = 0;    ///< 1-based line for line-oriented input, 0 otherwise
  uint64_t offset = 0;  ///< byte offset in the decompressed input
  /// "line 17" or "record 12 (byte 3456)".
  std::string Describe() const;
};

/// One record of the input being read: a simdjson On-Demand object, valid only
/// during RecordSink::OnRecord.
class Record {
 public:
  Record(simdjson::ondemand::object& object, const RecordLocation& location)
      : object_(object), location_(location) {}

  /// The record at its first field. Fields are read forward only; call
  /// Rewind() before a second pass.
  simdjson::ondemand::object& object() { return object_; }
  void Rewind() { object_.reset(); }
  /// Rewinds, then returns the record's JSON text as it is in the input
  /// (possibly with whitespace). Consumes the object.
  Result<std::string_view> RawJson();
  const RecordLocation& location() const { return location_; }

 private:
  simdjson::ondemand::object& object_;
  const RecordLocation& location_;
};

/// What a sink did with a record. A rejected record carries a reason, a short
/// fixed text used as a summary key ("missing eventTime"), and optional detail.
struct RecordOutcome {
  enum class Verdict { kAccepted, kFiltered, kRejected };
  Verdict verdict = Verdict::kAccepted;
  std::string_view reason;
  std::string detail;

  static RecordOutcome Accepted() { return {}; }
  static RecordOutcome Filtered() { return {Verdict::kFiltered, {}, {}}; }
  static RecordOutcome Rejected(std::string_view reason, std::string detail = {}) {
    return {Verdict::kRejected, reason, std::move(detail)};
  }
};

/// Receives records. One sink serves one input at a time.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual RecordOutcome OnRecord(Record& record) = 0;
  /// Called once after the input's last record.
  virtual void EndOfInput() {}
};

/// Reads the eventTime of a record (then rewinds it). Rejects a record whose
/// eventTime is missing, not a string, or not ISO 8601.
RecordOutcome ReadEventTime(Record& record, UnixSeconds* time);

/// Checks that a record's JSON text is valid JSON through and through, which
/// On-Demand does not (it skips what it is not asked for), before the text is
/// printed. Also reads the eventTime. One per worker thread; reuses memory.
class RecordValidator {
 public:
  /// Validates `raw_json` (which must be followed by SIMDJSON_PADDING readable
  /// bytes, as every record inside a RecordReader buffer is) and reads its eventTime.
  RecordOutcome Validate(std::string_view raw_json, UnixSeconds* time);

 private:
  simdjson::dom::parser parser_;
};

/// The counts and messages of reading one input.
struct InputReport {
  uint64_t records_read = 0;  ///< = accepted + filtered + rejected
  uint64_t accepted = 0;
  uint64_t filtered = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t, std::less<>> rejected_by_reason;
  uint64_t raw_bytes = 0;      ///< bytes read from the file
  uint64_t decoded_bytes = 0;  ///< bytes after decompression
  bool input_error = false;    ///< the input itself is damaged or unreadable
  std::vector<std::string> messages;  ///< complete lines for stderr, at most kMaxMessages + 1
  uint64_t suppressed_messages = 0;

  static constexpr size_t kMaxMessages = 10;
  bool ok() const { return !input_error && rejected == 0; }
};

/// Limits on what one input may cost.
struct ReaderLimits {
  /// Decompressed bytes of one input (gzip bombs, runaway streams).
  uint64_t max_input_bytes = uint64_t{1} << 30;
};

/// Reads inputs record by record. Keeps its parser and buffers between inputs,
/// so give each worker thread its own. Not thread-safe.
class RecordReader {
 public:
  explicit RecordReader(ReaderLimits limits);
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  /// Reads every record of `input` into `sink`; fills `report`.
  void Read(const InputFile& input, RecordSink& sink, InputReport* report);

 private:
  class Pass;
  ReaderLimits limits_;
  simdjson::ondemand::parser parser_;
  PaddedBuffer buf_;
  ByteSource::Scratch scratch_;
};

}  // namespace trailwatch
