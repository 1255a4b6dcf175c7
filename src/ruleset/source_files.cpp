// source_files: rule files on disk and in memory, and lexical path joining.
#include "ruleset/source_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace trailwatch::ruleset {

Result<std::string> DiskFiles::Read(const std::string& path) const {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument("is a folder, not a file");
  // Rule sources and the files they read are regular files of sane size
  // (not /dev/zero, not a FIFO).
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument("is not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) return Status::TooLarge("is larger than 64 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the file (no such file, or no permission)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<std::vector<std::string>> DiskFiles::List(const std::string& dir) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path = dir.empty() ? fs::path(".") : fs::path(dir);
  if (!fs::is_directory(path, ec)) return Status::NotFound("no such folder");
  std::vector<std::string> names;
  for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) names.push_back(it->path().filename().string());
  }
  if (ec) return Status::IoError(ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> MemoryFiles::Read(const std::string& path) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("no such file");
  return it->second;
}

Result<std::vector<std::string>> MemoryFiles::List(const std::string& dir) const {
  std::vector<std::string> names;
  for (const auto& [path, text] : files_) {
    if (DirName(path) == dir) names.push_back(BaseName(path));
  }
  if (names.empty()) {
    const std::string prefix = dir + "/";
    const bool has_sub = std::any_of(files_.begin(), files_.end(),
                                     [&](const auto& f) { return dir.empty() || f.first.starts_with(prefix); });
    if (!has_sub) return Status::NotFound("no such folder");
  }
  return names;  // the map is sorted, so the names are too
}

std::string DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string JoinPath(std::string_view dir, std::string_view rel) {
  std::string out = rel.starts_with('/') ? std::string("/") : std::string(dir);
  // How many parts of `out` a ".." may remove: those not themselves "..".
  const auto removable = [&out] {
    if (out.empty() || out == "/" || out == ".") return false;
    const std::string last = BaseName(out);
    return last != ".." && last != ".";
  };
  size_t k = 0;
  while (k <= rel.size()) {
    size_t end = rel.find('/', k);
    if (end == std::string_view::npos) end = rel.size();
    const std::string_view part = rel.substr(k, end - k);
    k = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." && removable()) {
      out = DirName(out);
      continue;
    }
    if (!out.empty() && out.back() != '/') out += '/';
    out += part;
  }
  return out;
}

}  // namespace trailwatch::ruleset
