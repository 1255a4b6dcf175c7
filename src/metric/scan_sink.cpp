// scan_sink: observations per matching record (its value, or the filter's
// default for every record it does not match, spec 6), with the evidence that
// explains an alarm: eventID, principal, source IP, eventName, error,
// optionally the record; and the ledger that counts each event once.
#include "metric/scan_sink.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "output/write.h"
#include "trailwatch/escape.h"

namespace trailwatch::pipeline {

namespace {

// SHA-256 of the fields, each with its length first: ("ab", "c") is not ("a", "bc").
// Runs per matching record: the algorithm is fetched once, a context kept per thread.
template <size_t N>
std::array<uint8_t, N> Digest(std::initializer_list<std::string_view> fields) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local const Context context;
  EVP_MD_CTX* ctx = context.ctx;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, sha256, nullptr);
  for (std::string_view f : fields) {
    const uint64_t n = f.size();
    EVP_DigestUpdate(ctx, &n, sizeof n);
    EVP_DigestUpdate(ctx, f.data(), f.size());
  }
  EVP_DigestFinal_ex(ctx, md, &len);
  std::array<uint8_t, N> out{};
  std::memcpy(out.data(), md, N);
  return out;
}

// The bytes of a MatchedRecord between a worker and the calling thread (one
// process, so native byte order).
class Writer {
 public:
  explicit Writer(fmt::memory_buffer& out) : out_(out) {}
  template <typename T>
  void Pod(const T& v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out_.append(bytes, bytes + sizeof(T));
  }
  void Str(std::string_view s) {
    Pod(uint64_t{s.size()});
    out_.append(s.data(), s.data() + s.size());
  }

 private:
  fmt::memory_buffer& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool more() const { return !in_.empty(); }
  template <typename T>
  T Pod() {
    T v{};
    if (in_.size() < sizeof(T)) {
      Stop();
      return v;
    }
    std::memcpy(&v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return v;
  }
  void Str(std::string* s) {
    const auto n = static_cast<size_t>(std::min<uint64_t>(Pod<uint64_t>(), in_.size()));
    s->assign(in_.data(), n);
    in_.remove_prefix(n);
  }

 private:
  // Only WriteMatch writes what is read, whole records per chunk: running
  // short would be a bug. Then reading stops.
  void Stop() { in_ = {}; }
  std::string_view in_;
};

// What a record contributes: the filters it matched, its observations, and
// what its evidence shows. Two records with one key are copies only if this
// is the same: a planted copy that differs anywhere a filter looks is not.
uint64_t ContentOf(const MatchedRecord& r) {
  fmt::memory_buffer bytes;
  WriteMatch(r, bytes);
  const std::array<uint8_t, 8> d = Digest<8>({std::string_view(bytes.data(), bytes.size())});
  uint64_t v = 0;
  std::memcpy(&v, d.data(), sizeof v);
  return v;
}

}  // namespace

RecordKey MakeRecordKey(std::string_view event_id, std::string_view account) {
  return Digest<16>({event_id, account});
}

Accumulator::Accumulator(const ScanRules& rules)
    : matches(rules.filters.size(), 0),
      hourly(rules.filters.size()),
      matcher(rules.patterns),
      plain(rules.metrics.size(), nullptr) {}

void Accumulator::Merge(Accumulator&& o) {
  data.Merge(std::move(o.data));
  for (size_t i = 0; i < matches.size(); ++i) {
    matches[i] += o.matches[i];
    for (const auto& [hour, n] : o.hourly[i]) hourly[i][hour] += n;
  }
  warnings += o.warnings;
}

RecordOutcome ScanSink::OnRecord(Record& record) {
  PatternSet::Matcher& m = acc_->matcher;
  if (RecordOutcome o = m.Match(record); o.verdict != RecordOutcome::Verdict::kAccepted) return o;
  const UnixSeconds t = m.event_time();
  if (!options_.read.range.Contains(t)) return RecordOutcome::Filtered();
  acc_->data.first = std::min(acc_->data.first, t);
  acc_->data.last = std::max(acc_->data.last, t);
  if (t > future_after_) {
    ++tally_->future;
    tally_->latest = std::max(tally_->latest, t);
  }
  if (!m.matched().empty()) {
    HoldMatch(record, t);
    return RecordOutcome::Accepted();
  }
  // Spec 6: a filter with a default value emits it for every record it does not match.
  for (uint32_t id : rules_.default_filters) ObserveDefault(rules_.filters[id], t);
  return RecordOutcome::Accepted();
}

bool ScanSink::Resolve(const FilterPlan& plan, bool matched, double* value, KeyValues* dimensions) {
  const PatternSet::Matcher& m = acc_->matcher;
  *value = matched ? plan.value : *plan.default_value;
  if (matched && plan.value_selector >= 0) {
    auto v = m.values(plan.value_selector);
    // A missing or non-numeric value emits nothing (spec 10), counted as a warning.
    if (v.empty() || v[0].kind != JsonValue::Kind::kNumber) return false;
    *value = v[0].number;
  }
  for (const auto& [name, selector] : plan.dimensions) {
    const std::string_view d = RecordFields::First(m, selector);
    if (d.empty()) return false;  // a matching record without the dimension field emits nothing (spec 10)
    dimensions->emplace_back(name, std::string(d));
  }
  return true;
}

void ScanSink::ObserveDefault(const FilterPlan& plan, UnixSeconds t) {
  double value = 0;
  KeyValues dims;
  if (!Resolve(plan, false, &value, &dims)) {
    ++acc_->warnings;
    return;
  }
  alarm::Series* series = acc_->plain[plan.metric];
  if (!plan.dimensions.empty()) {
    const auto& [ns, name] = rules_.metrics[plan.metric];
    series = &acc_->data.series[SeriesId{ns, name, std::move(dims)}];
  } else if (series == nullptr) {  // map nodes are stable: keep a pointer for the next records
    const auto& [ns, name] = rules_.metrics[plan.metric];
    series = acc_->plain[plan.metric] = &acc_->data.series[SeriesId{ns, name, {}}];
  }
  series->minutes[t / 60].Add(value, rules_.metric_needs_values[plan.metric]);
}

void ScanSink::HoldMatch(Record& record, UnixSeconds t) {
  const PatternSet::Matcher& m = acc_->matcher;
  const RecordFields& f = rules_.fields;
  MatchedRecord& r = record_;
  r.time = t;
  r.warnings = 0;
  r.filters.clear();
  r.observations.clear();
  const std::string_view event_id = RecordFields::First(m, f.event_id);
  r.key.reset();
  if (!event_id.empty()) r.key = MakeRecordKey(event_id, RecordFields::First(m, f.account));
  for (uint32_t id : m.matched()) matched_[id] = 1;
  auto observe = [&](uint32_t id, bool matched) {
    const FilterPlan& plan = rules_.filters[id];
    MatchedRecord::Observation o;
    if (!Resolve(plan, matched, &o.value, &o.dimensions)) {
      ++r.warnings;
      return;
    }
    o.metric = plan.metric;
    o.matched = matched;
    r.observations.push_back(std::move(o));
  };
  for (uint32_t id : m.matched()) {
    r.filters.push_back(id);
    observe(id, true);
  }
  for (uint32_t id : rules_.default_filters) {
    if (!matched_[id]) observe(id, false);
  }
  for (uint32_t id : m.matched()) matched_[id] = 0;
  alarm::Evidence& e = r.evidence;
  e.time = t;
  e.event_id = event_id;
  e.principal = f.Principal(m);
  e.source_ip = RecordFields::First(m, f.source_ip);
  e.event_name = RecordFields::First(m, f.event_name);
  const std::string_view error = RecordFields::First(m, f.error_code);
  e.error = error.empty() ? RecordFields::First(m, f.error_message) : error;
  e.raw_json.clear();
  if (options_.with_events) {
    Result<std::string_view> raw = record.RawJson();
    UnixSeconds unused = 0;
    if (raw.ok() &&
        acc_->validator.Validate(raw.value(), &unused).verdict == RecordOutcome::Verdict::kAccepted) {
      fmt::memory_buffer line;
      output::AppendJsonLine(line, raw.value());
      e.raw_json.assign(line.data(), line.size() - 1);
    } else {
      e.raw_json = "null";
    }
  }
  r.content = 0;
  if (r.key) {
    // Hashed without the key (written as absent) and the record's text (its
    // whitespace may differ between copies of one event).
    const std::optional<RecordKey> key = std::exchange(r.key, std::nullopt);
    std::string raw = std::exchange(e.raw_json, std::string());
    r.content = ContentOf(r);
    r.key = key;
    e.raw_json = std::move(raw);
  }
  WriteMatch(r, out_->buffer());
  out_->MaybeFlush();  // waits while this input is far ahead of the one being counted
}

void WriteMatch(const MatchedRecord& r, fmt::memory_buffer& out) {
  Writer w(out);
  w.Pod(uint8_t{r.key.has_value()});
  if (r.key) {
    w.Pod(*r.key);
    w.Pod(r.content);
  }
  w.Pod(r.time);
  w.Pod(r.warnings);
  w.Pod(uint64_t{r.filters.size()});
  for (uint32_t id : r.filters) w.Pod(id);
  w.Pod(uint64_t{r.observations.size()});
  for (const MatchedRecord::Observation& o : r.observations) {
    w.Pod(o.metric);
    w.Pod(o.value);
    w.Pod(uint8_t{o.matched});
    w.Pod(uint64_t{o.dimensions.size()});
    for (const auto& [name, value] : o.dimensions) {
      w.Str(name);
      w.Str(value);
    }
  }
  const alarm::Evidence& e = r.evidence;
  for (const std::string* s : {&e.event_id, &e.principal, &e.source_ip, &e.raw_json, &e.event_name, &e.error}) {
    w.Str(*s);
  }
}

void MatchLedger::Deliver(std::string_view chunk, std::string_view input) {
  Reader in(chunk);
  MatchedRecord& r = record_;
  while (in.more()) {
    r.key.reset();
    if (in.Pod<uint8_t>() != 0) {
      r.key = in.Pod<RecordKey>();
      r.content = in.Pod<uint64_t>();
    }
    r.time = in.Pod<UnixSeconds>();
    r.warnings = in.Pod<uint64_t>();
    r.filters.resize(static_cast<size_t>(std::min<uint64_t>(in.Pod<uint64_t>(), chunk.size())));
    for (uint32_t& id : r.filters) id = in.Pod<uint32_t>();
    r.observations.resize(static_cast<size_t>(std::min<uint64_t>(in.Pod<uint64_t>(), chunk.size())));
    for (MatchedRecord::Observation& o : r.observations) {
      o.metric = in.Pod<uint32_t>();
      o.value = in.Pod<double>();
      o.matched = in.Pod<uint8_t>() != 0;
      o.dimensions.resize(static_cast<size_t>(std::min<uint64_t>(in.Pod<uint64_t>(), chunk.size())));
      for (auto& [name, value] : o.dimensions) {
        in.Str(&name);
        in.Str(&value);
      }
    }
    alarm::Evidence& e = r.evidence;
    e.time = r.time;
    for (std::string* s : {&e.event_id, &e.principal, &e.source_ip, &e.raw_json, &e.event_name, &e.error}) in.Str(s);
    Count(r, input);
  }
}

bool MatchLedger::IsCopy(const MatchedRecord& r, std::string_view input) {
  if (!r.key) return false;  // without an eventID nothing tells copies apart
  const CountedRecord mine{r.time, r.content};
  const CountedRecord* before = nullptr;
  bool earlier = false;
  if (earlier_ != nullptr) {
    if (const auto it = earlier_->find(*r.key); it != earlier_->end()) {
      before = &it->second;
      earlier = true;
    }
  }
  if (before == nullptr) {
    const auto [it, fresh] = counted.emplace(*r.key, mine);
    if (fresh) return false;
    before = &it->second;
  }
  if (before->content == mine.content) {
    ++dropped;
    dropped_earlier += earlier;
    return true;
  }
  // The same eventID with other content: count it, and say so.
  if (++conflicts <= 10) {
    conflict_messages.push_back(fmt::format(
        "record_conflict: {}: eventID {} at {}: a record with this eventID and recipientAccountId was counted{} "
        "with other content (what filters match in it, or its time, principal, IP, error); counted too "
        "(tampering?)",
        input, TerminalSafe(r.evidence.event_id), FormatIsoTime(r.time), earlier ? " by an earlier run" : ""));
  }
  return false;
}

void MatchLedger::Count(const MatchedRecord& r, std::string_view input) {
  if (IsCopy(r, input)) return;
  for (uint32_t id : r.filters) {
    ++target.matches[id];
    ++target.hourly[id][r.time / 3600];
  }
  target.warnings += r.warnings;
  with_evidence_.clear();
  for (const MatchedRecord::Observation& o : r.observations) {
    // Series without dimensions are found once (map nodes are stable).
    alarm::Series* series = o.dimensions.empty() ? target.plain[o.metric] : nullptr;
    if (series == nullptr) {
      const auto& [ns, name] = rules_.metrics[o.metric];
      series = &target.data.series[SeriesId{ns, name, o.dimensions}];
      if (o.dimensions.empty()) target.plain[o.metric] = series;
    }
    series->minutes[r.time / 60].Add(o.value, rules_.metric_needs_values[o.metric]);
    if (o.matched) with_evidence_.push_back(series);
  }
  // One evidence entry per series, even when two of its filters matched.
  std::sort(with_evidence_.begin(), with_evidence_.end());
  with_evidence_.erase(std::unique(with_evidence_.begin(), with_evidence_.end()), with_evidence_.end());
  for (alarm::Series* s : with_evidence_) s->AddEvidence(r.evidence);
}

}  // namespace trailwatch::pipeline
