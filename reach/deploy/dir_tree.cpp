// DirectoryTreeReader: the files under a folder on disk.
#include <filesystem>
#include <fstream>
#include <system_error>

#include "reach/deployment.h"

namespace reachscan::reach {

std::vector<std::string> DirectoryTreeReader::paths() const {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  const fs::path base(root_);
  while (!ec && it != end) {
    const fs::directory_entry& e = *it;
    const std::string name = e.path().filename().string();
    std::error_code sec;
    if (e.is_directory(sec) && !e.is_symlink(sec)) {
      if (name == ".git" || name == ".hg" || name == ".svn") it.disable_recursion_pending();
    } else if (e.is_regular_file(sec)) {
      out.push_back(e.path().lexically_relative(base).generic_string());
    }
    it.increment(ec);
  }
  return out;
}

std::optional<std::string> DirectoryTreeReader::read(const std::string& path,
                                                     std::size_t max_bytes) const {
  std::ifstream in(std::filesystem::path(root_) / path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string out(max_bytes, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max_bytes));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace reachscan::reach
