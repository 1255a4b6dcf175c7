// rule_set: Sigma files into a RuleSet: documents split at `---` so that one
// broken document costs only itself, each parsed by yaml-cpp (whose
// exceptions stop here), classified, compiled; then correlations linked.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "sigma/internal.h"

namespace trailwatch::sigma {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kNone: return "";
    case Level::kInformational: return "informational";
    case Level::kLow: return "low";
    case Level::kMedium: return "medium";
    case Level::kHigh: return "high";
    case Level::kCritical: return "critical";
  }
  return "";
}

bool Correlation::Bound::Holds(double count) const {
  switch (op) {
    case Op::kGt: return count > value;
    case Op::kGte: return count >= value;
    case Op::kLt: return count < value;
    case Op::kLte: return count <= value;
    case Op::kEq: return count == value;
    case Op::kNeq: return count != value;
  }
  return false;
}

namespace {

constexpr uintmax_t kMaxFileBytes = uintmax_t{16} << 20;

struct Chunk {
  std::string_view text;
  uint32_t first_line = 1;
  size_t offset = 0;
  uint32_t content_line = 0;  // the first line with content
};

// True if the line holds YAML content (not blank, a comment or a directive).
bool IsContent(std::string_view line) {
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') continue;
    return c != '#' && c != '%';
  }
  return false;
}

// Splits at lines starting with `---` (a document marker at column 0 always
// starts a document) and after lines starting with `...` (a document end). A
// chunk with no content yet is not cut. Each chunk then holds one document,
// so that yaml-cpp 0.7's LoadAll, which loops forever on some invalid input
// (yaml-cpp issue 1040: a document starting with ','), is never needed.
std::vector<Chunk> SplitDocuments(std::string_view text) {
  std::vector<Chunk> out;
  Chunk current{text.substr(0, 0), 1, 0, 0};
  bool content = false;
  size_t pos = 0;
  uint32_t line = 1;
  auto is_marker = [](std::string_view l, std::string_view m) {
    return l.substr(0, 3) == m &&
           (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' || l[3] == '\n');
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view l = text.substr(pos, end - pos);
    const bool start = is_marker(l, "---");
    if (start && content) {
      current.text = text.substr(current.offset, pos - current.offset);
      out.push_back(current);
      current = Chunk{{}, line, pos, 0};
      content = false;
    }
    if (!start && IsContent(l) && !content) {
      content = true;
      current.content_line = line;
    }
    pos = end;
    ++line;
    if (is_marker(l, "...") && content) {
      current.text = text.substr(current.offset, pos - current.offset);
      out.push_back(current);
      current = Chunk{{}, line, pos, 0};
      content = false;
    }
  }
  current.text = text.substr(current.offset);
  if (content) out.push_back(current);
  return out;
}

}  // namespace

// Loads documents into a RuleSet (a friend of it).
class Loader {
 public:
  explicit Loader(RuleSet* set) : set_(*set) {}

  void LoadChunk(const internal::DocContext& base, std::string_view text) {
    YAML::Node doc;
    try {
      doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      ParseError err = base.AtStart("invalid YAML: " + e.msg);
      if (e.mark.line >= 0) {
        err.line = base.first_line + static_cast<uint32_t>(e.mark.line);
        err.column = static_cast<uint32_t>(e.mark.column) + 1;
        err.offset = base.offset + static_cast<size_t>(e.mark.pos);
      }
      set_.errors_.push_back(std::move(err));
      return;
    }
    ++set_.documents_;
    internal::DocContext ctx = base;
    if (!doc.IsDefined() || doc.IsNull()) {  // the chunk has content: yaml-cpp read none of it
      set_.errors_.push_back(ctx.AtStart("invalid YAML: no document could be read here"));
      return;
    }
    try {
      Document(doc, ctx);
    } catch (const YAML::Exception& e) {  // yaml-cpp throws on some lookups
      set_.errors_.push_back(ctx.AtStart("invalid Sigma document: " + e.msg));
    }
  }

 private:
  void Skip(const internal::DocContext& ctx, const std::string& title, std::string reason) {
    set_.skipped_.push_back({ctx.file, ctx.start_line, title, std::move(reason)});
  }

  void Document(const YAML::Node& doc, internal::DocContext& ctx) {
    if (!doc.IsMap()) {
      set_.errors_.push_back(ctx.AtStart("a Sigma document must be a map"));
      return;
    }
    const bool correlation = doc["correlation"].IsDefined();
    const bool detection = doc["detection"].IsDefined();
    RuleInfo info;
    if (auto err = internal::ReadInfo(doc, ctx, &info, &set_.warnings_)) {
      set_.errors_.push_back(std::move(*err));
      return;
    }
    if (correlation) return AddCorrelation(doc, ctx, std::move(info));
    if (!detection) {
      if (doc["filter"].IsDefined()) return Skip(ctx, info.title, "Sigma filters are not supported");
      set_.errors_.push_back(ctx.AtStart("a Sigma rule needs 'detection' or 'correlation'"));
      return;
    }
    std::optional<ParseError> error;
    if (auto reason = internal::NotCloudTrail(doc, ctx, &error)) return Skip(ctx, info.title, *reason);
    if (error) {
      set_.errors_.push_back(std::move(*error));
      return;
    }
    Rule rule;
    rule.info = std::move(info);
    std::optional<internal::Aggregation> aggregation;
    std::string skip;
    if (auto err = internal::CompileDetection(doc, ctx, &rule, &aggregation, &skip, &set_.warnings_)) {
      set_.errors_.push_back(std::move(*err));
      return;
    }
    if (!skip.empty()) return Skip(ctx, rule.info.title, skip);
    if (aggregation) AddLegacy(doc, rule, *aggregation);
    set_.rules_.push_back(std::move(rule));
  }

  void AddCorrelation(const YAML::Node& doc, internal::DocContext& ctx, RuleInfo info) {
    Correlation c;
    c.info = std::move(info);
    std::string skip;
    if (auto err = internal::CompileCorrelation(doc, ctx, &c, &skip)) {
      set_.errors_.push_back(std::move(*err));
      return;
    }
    if (!skip.empty()) return Skip(ctx, c.info.title, skip);
    set_.correlations_.push_back(std::move(c));
  }

  // `selection | count(f) by g > n` + `timeframe`: the rule feeds a
  // correlation that carries the rule's metadata.
  void AddLegacy(const YAML::Node& doc, Rule& rule, const internal::Aggregation& agg) {
    Correlation c;
    c.info = rule.info;
    c.legacy = true;
    c.type = agg.count_field.empty() ? Correlation::Type::kEventCount : Correlation::Type::kValueCount;
    if (!agg.count_field.empty()) c.value_fields.push_back(agg.count_field);
    c.group_by = agg.group_by;
    c.condition.push_back(agg.bound);
    c.timespan_seconds = internal::ParseTimespan(doc["detection"]["timeframe"].Scalar()).value_or(0);
    c.rule_refs.push_back(rule.info.id.empty() ? rule.info.title : rule.info.id);
    c.targets.push_back({false, set_.rules_.size()});
    rule.standalone = false;
    set_.correlations_.push_back(std::move(c));
  }

  RuleSet& set_;
};

void RuleSet::AddText(std::string_view text, std::string_view file) {
  Loader loader(this);
  for (const Chunk& chunk : SplitDocuments(text)) {
    internal::DocContext ctx;
    ctx.file = std::string(file);
    ctx.first_line = chunk.first_line;
    ctx.start_line = chunk.content_line;
    ctx.offset = chunk.offset;
    loader.LoadChunk(ctx, chunk.text);
  }
}

namespace {

ParseError FileError(const std::string& path, std::string message) {
  ParseError e;
  e.file = path;
  e.message = std::move(message);
  return e;
}

bool IsRuleFile(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

}  // namespace

void RuleSet::AddPath(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && IsRuleFile(it->path())) files.push_back(it->path().string());
    }
    if (ec) errors_.push_back(FileError(path, "cannot read folder: " + ec.message()));
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const std::string& f : files) {
    const uintmax_t size = fs::file_size(f, ec);
    if (ec) {
      errors_.push_back(FileError(f, "cannot read: " + ec.message()));
      continue;
    }
    if (size > kMaxFileBytes) {
      errors_.push_back(FileError(f, "larger than 16 MiB: not a rule file"));
      continue;
    }
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      errors_.push_back(FileError(f, "cannot read"));
      continue;
    }
    AddText(text.str(), f);
  }
}

}  // namespace trailwatch::sigma
