// test_util: helpers for the unit tests (temp folders, gzip, collecting sink).
#include "test_util.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "output/write.h"

namespace trailwatch::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "trailwatch-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, std::string_view content) const {
  const std::filesystem::path p = std::filesystem::path(path_) / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return p.string();
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

namespace {

class CollectingSink : public RecordSink {
 public:
  explicit CollectingSink(ReadResult* result) : result_(result) {}
  // As `cat` does: the record's text, validated whole, and its eventTime.
  RecordOutcome OnRecord(Record& record) override {
    Result<std::string_view> raw = record.RawJson();
    if (!raw.ok()) return RecordOutcome::Rejected("invalid JSON");
    UnixSeconds t = 0;
    RecordOutcome outcome = validator_.Validate(raw.value(), &t);
    if (outcome.verdict != RecordOutcome::Verdict::kAccepted) return outcome;
    result_->times.push_back(FormatIsoTime(t));
    fmt::memory_buffer line;
    output::AppendJsonLine(line, raw.value());
    result_->lines.emplace_back(line.data(), line.size() - 1);  // without the newline
    return RecordOutcome::Accepted();
  }

 private:
  ReadResult* result_;
  RecordValidator validator_;
};

}  // namespace

std::string ReadResult::AllMessages() const {
  return fmt::format("{}", fmt::join(report.messages, "\n"));
}

ReadResult ReadFile(const std::string& path, ReaderLimits limits) {
  ReadResult result;
  CollectingSink sink(&result);
  RecordReader reader(limits);
  InputFile input{path, false, true, std::nullopt};
  reader.Read(input, sink, &result.report);
  return result;
}

ReadResult ReadContent(std::string_view content, const std::string& name) {
  TempDir dir;
  return ReadFile(dir.Write(name, content));
}

std::string MakeRecord(std::string_view time, std::string_view name) {
  return fmt::format(
      R"({{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}},"eventTime":"{}","eventSource":"ec2.amazonaws.com","eventName":"{}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"eventID":"{}-{}","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}})",
      time, name, name, time);
}

}  // namespace trailwatch::test
