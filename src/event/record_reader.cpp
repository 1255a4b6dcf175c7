// RecordReader: detects the input format from its first bytes and walks it
// with simdjson On-Demand, one record at a time. Damaged documents are split
// by json_scan and their records parsed one by one, so one bad record costs
// only itself; every record read is accepted, filtered or rejected, and every
// rejection and damaged input gets a message naming the file and location.
#include <cstring>

#include <fmt/format.h>

#include "event/json_scan.h"
#include "trailwatch/escape.h"
#include "trailwatch/record.h"

namespace trailwatch {

namespace od = simdjson::ondemand;

namespace {

constexpr size_t kSniffBytes = 64 * 1024;
constexpr size_t kReadChunk = 4 * 1024 * 1024;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Keys that only a CloudTrail record has at its top level.
bool IsRecordKey(od::raw_json_string key) {
  return key == "eventVersion" || key == "eventTime" || key == "eventName" ||
         key == "eventSource" || key == "userIdentity" || key == "eventID" ||
         key == "awsRegion";
}

}  // namespace

std::string RecordLocation::Describe() const {
  if (line != 0) return fmt::format("line {}", line);
  return fmt::format("record {} (byte {})", index + 1, offset);
}

Result<std::string_view> Record::RawJson() {
  object_.reset();
  std::string_view raw;
  if (auto err = object_.raw_json().get(raw)) {
    return Status::Corrupt(simdjson::error_message(err));
  }
  return raw;
}

namespace {

RecordOutcome EventTimeOutcome(simdjson::error_code err, std::string_view text, UnixSeconds* time) {
  if (err == simdjson::NO_SUCH_FIELD) return RecordOutcome::Rejected("missing eventTime");
  if (err == simdjson::INCORRECT_TYPE) {
    return RecordOutcome::Rejected("invalid eventTime", "eventTime is not a string");
  }
  if (err) return RecordOutcome::Rejected("invalid JSON", simdjson::error_message(err));
  const std::optional<UnixSeconds> t = ParseIsoTime(text);
  if (!t) {
    return RecordOutcome::Rejected(
        "invalid eventTime",
        fmt::format("eventTime \"{}\" is not ISO 8601", TerminalSafe(text.substr(0, 64))));
  }
  *time = *t;
  return RecordOutcome::Accepted();
}

}  // namespace

RecordOutcome ReadEventTime(Record& record, UnixSeconds* time) {
  od::value v;
  auto err = record.object().find_field_unordered("eventTime").get(v);
  std::string_view text;
  if (!err) err = v.get_string().get(text);
  record.Rewind();
  return EventTimeOutcome(err, text, time);
}

RecordOutcome RecordValidator::Validate(std::string_view raw_json, UnixSeconds* time) {
  simdjson::dom::element record;
  if (auto err = parser_.parse(raw_json.data(), raw_json.size(), false).get(record)) {
    return RecordOutcome::Rejected("invalid JSON", simdjson::error_message(err));
  }
  std::string_view text;
  return EventTimeOutcome(record["eventTime"].get_string().get(text), text, time);
}

/// The reading of one input: owns the per-input state and the format logic.
class RecordReader::Pass {
 public:
  Pass(RecordReader& reader, const InputFile& input, RecordSink& sink, InputReport* report)
      : reader_(reader),
        parser_(reader.parser_),
        buf_(reader.buf_),
        limits_(reader.limits_),
        name_(DisplayName(input)),
        input_(input),
        sink_(sink),
        report_(*report) {}

  void Run();

 private:
  // Whether a walk over a document can go on: kBroken means simdjson reported
  // an error and the value must be recovered by Salvage; kDead means Salvage
  // already ran, so the current document (and its iterators) is gone.
  enum class Walk { kOk, kBroken, kDead };
  // What the values that a salvage finds are.
  enum class Kind { kRecord, kDocument };

  std::string_view Text() const { return {buf_.data(), buf_.size()}; }

  void Message(std::string text) {
    if (report_.messages.size() < InputReport::kMaxMessages) {
      report_.messages.push_back(fmt::format("{}: {}", name_, text));
    } else {
      ++report_.suppressed_messages;
    }
  }
  void InputError(std::string text) {
    report_.input_error = true;
    Message(std::move(text));
  }

  RecordLocation NextLocation(size_t offset) {
    return RecordLocation{next_index_++, line_, base_offset_ + offset};
  }

  void Reject(const RecordLocation& loc, std::string_view reason, std::string_view detail) {
    ++report_.records_read;
    ++report_.rejected;
    ++report_.rejected_by_reason[std::string(reason)];
    Message(detail.empty() ? fmt::format("{}: {}", loc.Describe(), reason)
                           : fmt::format("{}: {}: {}", loc.Describe(), reason, detail));
  }
  void RejectAt(size_t offset, std::string_view reason, std::string_view detail) {
    Reject(NextLocation(offset), reason, detail);
  }

  // simdjson rejects a whole document for one byte of invalid UTF-8, which
  // would let anyone who can write a userAgent hide their records. Such bytes
  // are replaced by '?' in place (offsets stay true) and reported; the caller
  // then parses again.
  bool RepairedUtf8(size_t begin, size_t end) {
    const Utf8Repair r = RepairUtf8(buf_.data() + begin, end - begin);
    if (r.replaced == 0) return false;
    Message(fmt::format("byte {}: {} byte{} of invalid UTF-8 replaced by '?'", base_offset_ + begin + r.first,
                        r.replaced, r.replaced == 1 ? "" : "s"));
    return true;
  }

  // Hands a record to the sink. Returns false if the document died meanwhile.
  [[nodiscard]] bool Deliver(od::object& object, size_t offset) {
    const RecordLocation loc = NextLocation(offset);
    Record record(object, loc);
    RecordOutcome outcome = sink_.OnRecord(record);
    switch (outcome.verdict) {
      case RecordOutcome::Verdict::kAccepted:
        ++report_.records_read;
        ++report_.accepted;
        break;
      case RecordOutcome::Verdict::kFiltered:
        ++report_.records_read;
        ++report_.filtered;
        break;
      case RecordOutcome::Verdict::kRejected:
        Reject(loc, outcome.reason, outcome.detail);
        break;
    }
    return doc_ == nullptr || doc_->is_alive();
  }


  // Reads more input into buf_. A read error is reported once; what was
  // decoded before it stays in the buffer and is still parsed.
  void ReadMore(size_t chunk) {
    if (eof_) return;
    if (report_.decoded_bytes >= limits_.max_input_bytes) {
      InputError(fmt::format("decompressed size exceeds the limit of {} bytes (--max-file-size); "
                             "the rest of the input is skipped",
                             limits_.max_input_bytes));
      eof_ = true;
      over_limit_ = true;
      return;
    }
    chunk = static_cast<size_t>(
        std::min<uint64_t>(chunk, limits_.max_input_bytes - report_.decoded_bytes));
    const size_t before = buf_.size();
    Result<size_t> n = source_->Read(buf_, chunk);
    report_.decoded_bytes += buf_.size() - before;
    report_.raw_bytes = source_->raw_bytes();
    if (!n.ok()) {
      InputError(std::string(n.status().message()));
      eof_ = true;
    } else if (n.value() == 0) {
      eof_ = true;
    }
  }
  void ReadAll() {
    while (!eof_) ReadMore(std::max(kReadChunk, buf_.size()));
    // A document cut at the limit would only yield a misleading parse error.
    if (over_limit_) buf_.Clear();
  }

  simdjson::padded_string_view View(size_t begin, size_t end) const {
    return simdjson::padded_string_view(buf_.data() + begin, end - begin,
                                        buf_.allocated() - begin);
  }
  size_t OffsetOf(const char* p) const { return static_cast<size_t>(p - buf_.data()); }

  void Document(size_t pos);
  void Stream(size_t begin, size_t end);
  void Lines(size_t pos);
  void Line(size_t begin, size_t end);
  template <typename V>
  Walk Dispatch(V& value, size_t offset, size_t end, int depth);
  Walk DispatchObject(od::object& object, size_t offset, size_t end, int depth);
  Walk Elements(od::array& array, size_t array_begin, size_t end, Kind kind);
  void Salvage(size_t begin, size_t end, bool in_array, uint64_t skip, Kind kind);

  RecordReader& reader_;
  od::parser& parser_;
  PaddedBuffer& buf_;
  const ReaderLimits& limits_;
  const std::string name_;
  const InputFile& input_;
  RecordSink& sink_;
  InputReport& report_;
  std::unique_ptr<ByteSource> source_;
  // The document being walked. A sink that meets broken JSON inside a record
  // leaves it "abandoned" (simdjson nulls its parser); nothing may touch it after.
  od::document* doc_ = nullptr;
  // Points doc_ at a document for the scope of one walk, and clears it after.
  class WalkedDocument {
   public:
    explicit WalkedDocument(Pass* pass) : pass_(pass) { pass_->doc_ = &doc_; }
    ~WalkedDocument() { pass_->doc_ = nullptr; }
    WalkedDocument(const WalkedDocument&) = delete;
    WalkedDocument& operator=(const WalkedDocument&) = delete;
    od::document& get() { return doc_; }

   private:
    Pass* pass_;
    od::document doc_;
  };
  bool eof_ = false;
  bool over_limit_ = false;
  uint64_t next_index_ = 0;
  uint64_t line_ = 0;         // current line in line mode, else 0
  uint64_t base_offset_ = 0;  // input offset of buf_[0] (line mode drops consumed lines)
};

void RecordReader::Pass::Run() {
  Result<std::unique_ptr<ByteSource>> src = ByteSource::Open(input_, &reader_.scratch_);
  if (!src.ok()) {
    InputError(std::string(src.status().message()));
    return;
  }
  source_ = std::move(src).value();
  buf_.Clear();
  while (!eof_ && buf_.size() < kSniffBytes) ReadMore(kSniffBytes - buf_.size());

  size_t pos = Text().substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // skip a UTF-8 byte order mark
  for (;;) {  // skip leading whitespace, however much there is
    while (pos < buf_.size() && IsSpace(buf_.data()[pos])) ++pos;
    if (pos < buf_.size() || eof_) break;
    base_offset_ += pos;
    buf_.Consume(pos);
    pos = 0;
    ReadMore(kSniffBytes);
  }
  if (pos == buf_.size()) {
    if (!report_.input_error) {
      InputError(report_.decoded_bytes == 0 ? "empty file" : "file holds only whitespace");
    }
    return;
  }
  while (!eof_ && buf_.size() - pos < kSniffBytes) ReadMore(kSniffBytes);
  const std::string_view text = Text();
  const char c = text[pos];
  if (c == '[') return Document(pos);
  if (c == '{') {
    size_t k = pos + 1;
    while (k < text.size() && IsSpace(text[k])) ++k;
    if (text.substr(k, 9) == "\"Records\"") return Document(pos);
    // One complete object on the first line: JSON lines. Otherwise the
    // objects are pretty-printed or concatenated: a stream of documents.
    const size_t nl = text.find('\n', pos);
    size_t e = nl;
    while (e != std::string_view::npos && e > pos && IsSpace(text[e - 1])) --e;
    if (nl != std::string_view::npos && e > pos + 1 && text[e - 1] == '}') return Lines(pos);
    ReadAll();
    return Stream(pos, buf_.size());
  }
  if (IsDigit(c)) return Lines(pos);  // CloudWatch Logs export: "<timestamp> <json>"
  InputError(fmt::format("byte {}: not JSON (starts with '{}')", pos,
                         TerminalSafe(text.substr(pos, 1))));
}

// A whole document: `{"Records":[...]}` or a JSON array of records/events.
void RecordReader::Pass::Document(size_t pos) {
  ReadAll();
  if (buf_.size() <= pos) return;
  const bool is_array = buf_.data()[pos] == '[';
  WalkedDocument walked(this);
  od::document& doc = walked.get();
  simdjson::error_code err = parser_.iterate(View(pos, buf_.size())).get(doc);
  if (err == simdjson::UTF8_ERROR && RepairedUtf8(pos, buf_.size())) {
    err = parser_.iterate(View(pos, buf_.size())).get(doc);
  }
  if (err) {
    const size_t array = is_array ? pos + 1 : event::FindRecordsArray(Text(), pos);
    if (array == std::string_view::npos) {
      InputError(fmt::format("byte {}: invalid JSON ({}), and no \"Records\" array to recover",
                             pos, simdjson::error_message(err)));
      return;
    }
    InputError(fmt::format("invalid JSON ({}); recovering the records one by one",
                           simdjson::error_message(err)));
    return Salvage(array, buf_.size(), true, 0, is_array ? Kind::kDocument : Kind::kRecord);
  }
  const uint64_t read_before = report_.records_read;
  const Walk walk = Dispatch(doc, pos, buf_.size(), 0);
  if (walk == Walk::kDead) return;
  if (walk == Walk::kBroken) {
    // E.g. bytes appended after the document: the records before them are
    // still there, so they are recovered one by one past those already read.
    const size_t array = is_array ? pos + 1 : event::FindRecordsArray(Text(), pos);
    if (array == std::string_view::npos) {
      InputError(fmt::format("byte {}: invalid JSON in the top-level object", pos));
      return;
    }
    InputError(fmt::format("byte {}: invalid JSON in the top-level object; recovering the records one by one", pos));
    return Salvage(array, buf_.size(), true, report_.records_read - read_before,
                   is_array ? Kind::kDocument : Kind::kRecord);
  }
  const char* rest = nullptr;
  if (doc.is_alive() && !doc.current_location().get(rest)) {
    Stream(OffsetOf(rest), buf_.size());  // more documents follow the first
  }
}

// Documents one after another (pretty-printed or concatenated objects): found
// by json_scan, then parsed one at a time. simdjson 3.0.1's iterate_many is not
// used: on some malformed input its document_stream dereferences a null
// parser (found by tests/fuzz/reader_fuzz).
void RecordReader::Pass::Stream(size_t begin, size_t end) {
  Salvage(begin, end, false, 0, Kind::kDocument);
}

// Line-oriented input, read in chunks so memory stays bounded by the longest line.
void RecordReader::Pass::Lines(size_t pos) {
  for (;;) {
    for (;;) {
      const void* nl = std::memchr(buf_.data() + pos, '\n', buf_.size() - pos);
      if (nl == nullptr) break;
      const size_t e = OffsetOf(static_cast<const char*>(nl));
      ++line_;
      Line(pos, e);
      pos = e + 1;
    }
    if (eof_) {
      if (pos < buf_.size()) {
        ++line_;
        Line(pos, buf_.size());
      }
      return;
    }
    base_offset_ += pos;
    buf_.Consume(pos);
    pos = 0;
    ReadMore(kReadChunk);
  }
}

void RecordReader::Pass::Line(size_t begin, size_t end) {
  const std::string_view text = Text();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  if (begin == end) return;
  if (IsDigit(text[begin])) {  // CloudWatch Logs export: the JSON follows the timestamp
    const size_t brace = text.substr(0, end).find('{', begin);
    if (brace == std::string_view::npos) {
      RejectAt(begin, "not JSON", "no JSON object on the line");
      return;
    }
    begin = brace;
  }
  if (text[begin] != '{' && text[begin] != '[') {
    RejectAt(begin, "not JSON", fmt::format("the line starts with '{}'",
                                            TerminalSafe(text.substr(begin, 1))));
    return;
  }
  WalkedDocument walked(this);
  od::document& doc = walked.get();
  simdjson::error_code err = parser_.iterate(View(begin, end)).get(doc);
  if (err == simdjson::UTF8_ERROR && RepairedUtf8(begin, end)) err = parser_.iterate(View(begin, end)).get(doc);
  if (err) {
    return Salvage(begin, end, false, 0, Kind::kDocument);  // value by value
  }
  const uint64_t read_before = report_.records_read;
  const Walk walk = Dispatch(doc, begin, end, 0);
  if (walk == Walk::kDead) return;
  if (walk == Walk::kBroken) {
    return Salvage(begin, end, false, report_.records_read > read_before ? 1 : 0, Kind::kDocument);
  }
  // More values on the same line? (Firehose writes events back to back: `}{`.)
  if (!doc.is_alive()) return;
  doc.rewind();
  std::string_view first;
  if (doc.raw_json().get(first)) return;
  size_t rest = OffsetOf(first.data()) + first.size();
  while (rest < end && IsSpace(text[rest])) ++rest;
  if (rest < end) Salvage(rest, end, false, 0, Kind::kDocument);
}

template <typename V>
RecordReader::Pass::Walk RecordReader::Pass::Dispatch(V& value, size_t offset, size_t end,
                                                      int depth) {
  od::json_type type{};
  if (value.type().get(type)) return Walk::kBroken;
  if (type == od::json_type::object) {
    od::object object;
    if (value.get_object().get(object)) return Walk::kBroken;
    return DispatchObject(object, offset, end, depth);
  }
  if (type == od::json_type::array && depth == 0) {
    od::array array;
    if (value.get_array().get(array)) return Walk::kBroken;
    return Elements(array, offset + 1, end, Kind::kDocument);
  }
  RejectAt(offset, "not a CloudTrail record",
           type == od::json_type::array ? "a nested array" : "a JSON scalar, not an object");
  return Walk::kOk;
}

// Classifies an object by its keys: an S3 log file (`Records`), an EventBridge
// event (`detail-type` ... via CloudTrail, record under `detail`), or a record.
RecordReader::Pass::Walk RecordReader::Pass::DispatchObject(od::object& object, size_t offset,
                                                            size_t end, int depth) {
  bool records = false, bare = false, eventbridge = false, detail_first = false;
  bool delivered = false;
  std::string_view detail_type;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field)) return Walk::kBroken;
    const od::raw_json_string key = field.key();
    if (key == "Records") {
      od::array array;
      const char* at = nullptr;
      if (field.value().current_location().get(at) || field.value().get_array().get(array)) {
        continue;
      }
      records = true;
      if (Walk w = Elements(array, OffsetOf(at) + 1, end, Kind::kRecord); w != Walk::kOk) {
        return w;
      }
    } else if (key == "detail-type") {
      if (!field.value().get_string().get(detail_type)) {
        eventbridge = detail_type.ends_with("via CloudTrail");
      }
    } else if (key == "detail") {
      od::object detail;
      if (!eventbridge) {
        detail_first = true;
      } else if (!field.value().get_object().get(detail)) {
        delivered = true;
        if (!Deliver(detail, offset)) return Walk::kBroken;
      }
    } else if (!records && detail_type.empty() && IsRecordKey(key)) {
      bare = true;
      break;
    }
  }
  if (bare) {
    object.reset();
    return Deliver(object, offset) ? Walk::kOk : Walk::kBroken;
  }
  if (eventbridge && detail_first && !delivered) {
    object.reset();
    od::object detail;
    if (!object.find_field_unordered("detail").get_object().get(detail)) {
      delivered = true;
      if (!Deliver(detail, offset)) return Walk::kBroken;
    }
  }
  if (!records && !delivered) {
    std::string why = "a JSON object without eventTime/eventName, \"Records\" or EventBridge \"detail\"";
    if (!detail_type.empty()) {
      why = fmt::format("an EventBridge event that is not from CloudTrail (detail-type \"{}\")",
                        TerminalSafe(detail_type.substr(0, 80)));
    }
    RejectAt(offset, "not a CloudTrail record", why);
  }
  (void)depth;
  return Walk::kOk;
}

// The elements of an array: records (Kind::kRecord, inside "Records") or
// records/events of a top-level array (Kind::kDocument).
RecordReader::Pass::Walk RecordReader::Pass::Elements(od::array& array, size_t array_begin,
                                                      size_t end, Kind kind) {
  uint64_t k = 0;
  for (auto element : array) {
    od::value value;
    const uint64_t read_before = report_.records_read;
    Walk walk = Walk::kBroken;
    if (!element.get(value)) {
      const char* at = nullptr;
      const size_t offset = value.current_location().get(at) ? array_begin : OffsetOf(at);
      if (kind == Kind::kRecord) {
        od::object object;
        if (auto err = value.get_object().get(object)) {
          if (err == simdjson::INCORRECT_TYPE) {
            RejectAt(offset, "not a CloudTrail record", "an array element that is not an object");
            walk = Walk::kOk;
          }
        } else {
          walk = Deliver(object, offset) ? Walk::kOk : Walk::kBroken;
        }
      } else {
        walk = Dispatch(value, offset, end, 1);
      }
    }
    if (walk == Walk::kDead) return walk;
    if (walk == Walk::kBroken) {
      Message(fmt::format("byte {}: invalid JSON in an array; recovering the records one by one",
                          array_begin));
      report_.input_error = true;
      Salvage(array_begin, end, true, report_.records_read > read_before ? k + 1 : k, kind);
      return Walk::kDead;
    }
    ++k;
  }
  return Walk::kOk;
}

// Recovers what can be recovered from a damaged region: finds the values with
// json_scan, skips the first `skip` (already read), and parses each one alone.
void RecordReader::Pass::Salvage(size_t begin, size_t end, bool in_array, uint64_t skip,
                                 Kind kind) {
  bool closed = false;
  const std::vector<event::Span> spans =
      event::SplitValues(Text().substr(0, end), begin, in_array, &closed);
  for (size_t i = skip; i < spans.size(); ++i) {
    const event::Span& span = spans[i];
    if (!span.complete) {
      RejectAt(span.begin, "truncated record", "the input ends inside this record");
      continue;
    }
    WalkedDocument walked(this);
    od::document& doc = walked.get();
    if (auto err = parser_.iterate(View(span.begin, span.end)).get(doc)) {
      RejectAt(span.begin, "invalid JSON", simdjson::error_message(err));
      continue;
    }
    const uint64_t read_before = report_.records_read;
    Walk walk = Walk::kBroken;
    if (kind == Kind::kRecord) {
      od::object object;
      if (auto err = doc.get_object().get(object); err == simdjson::INCORRECT_TYPE) {
        RejectAt(span.begin, "not a CloudTrail record", "an array element that is not an object");
        walk = Walk::kOk;
      } else if (!err) {
        walk = Deliver(object, span.begin) ? Walk::kOk : Walk::kBroken;
      }
    } else {
      walk = Dispatch(doc, span.begin, span.end, in_array ? 1 : 0);
    }
    if (walk == Walk::kBroken && report_.records_read == read_before) {
      RejectAt(span.begin, "invalid JSON", "malformed object");
    }
  }
  if (in_array && !closed && (spans.empty() || spans.back().complete)) {
    InputError("the input ends inside the records array (truncated file?)");
  }
}

RecordReader::RecordReader(ReaderLimits limits) : limits_(limits) {
  parser_.threaded = false;  // files are read in parallel already; no helper thread per stream
}

void RecordReader::Read(const InputFile& input, RecordSink& sink, InputReport* report) {
  Pass(*this, input, sink, report).Run();
  sink.EndOfInput();
}

}  // namespace trailwatch
