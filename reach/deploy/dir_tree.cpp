// DirectoryTreeReader: the files under a folder on disk.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "reach/deployment.h"

namespace reachscan::reach {

bool TreeReader::skipped_folder(std::string_view name) {
  return name == ".git" || name == ".hg" || name == ".svn" || name == "vendor" ||
         name == "node_modules" || name == "third_party" || name == "bower_components";
}

std::vector<std::string> DirectoryTreeReader::paths() const {
  // NOTE: readdir's d_type instead of std::filesystem's status calls: listing is most of the cost
  // of building a model, and a stat per entry doubles it on large trees.
  std::vector<std::string> out;
  std::vector<std::string> pending = {""};
  while (!pending.empty()) {
    const std::string rel = std::move(pending.back());
    pending.pop_back();
    const std::string full = rel.empty() ? root_ : root_ + "/" + rel;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(full.c_str()), closedir);
    if (!dir) continue;
    while (const dirent* e = readdir(dir.get())) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {  // some file systems do not say: ask
        struct stat st;
        if (lstat((root_ + "/" + child).c_str(), &st) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        if (!skipped_folder(name)) pending.push_back(std::move(child));
      } else if (type == DT_REG) {
        out.push_back(std::move(child));
      }
    }
  }
  return out;
}

std::optional<std::string> DirectoryTreeReader::read(const std::string& path,
                                                     std::size_t max_bytes) const {
  std::ifstream in(std::filesystem::path(root_) / path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  if (size < 0) return std::nullopt;
  in.seekg(0);
  std::string out(std::min(max_bytes, static_cast<std::size_t>(size)), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace reachscan::reach
