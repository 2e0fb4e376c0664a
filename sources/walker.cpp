#include "sources/walker.h"

#include <fts.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/glob.h"

namespace reachscan {
namespace {

std::string display_path(const char* p) {
  std::string s(p);
  while (s.size() > 2 && s.compare(0, 2, "./") == 0) s.erase(0, 2);
  return s;
}

bool is_vcs_dir(const char* name) {
  return std::strcmp(name, ".git") == 0 || std::strcmp(name, ".hg") == 0 ||
         std::strcmp(name, ".svn") == 0;
}

// A CMake build tree: CMake writes CMakeCache.txt at its top.
bool is_build_tree(const FTSENT* e) {
  const std::string marker = std::string(e->fts_accpath) + "/CMakeCache.txt";
  struct stat st;
  return ::lstat(marker.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

struct Walker::Impl {
  WalkOptions options;
  std::vector<std::string> roots;
  FTS* fts = nullptr;
  bool opened = false;

  std::size_t root_len = 0;  // length of the current root's path in fts_path
  std::string root_real;     // the current root, symlinks resolved, with a trailing '/'

  // Whether a symlink's target (resolved) lies inside the current root.
  bool inside_root(const char* accpath) const {
    char resolved[PATH_MAX];
    if (!::realpath(accpath, resolved)) return false;
    return std::string_view(resolved).substr(0, root_real.size()) == root_real;
  }

  // Globs (core/glob.h) match the path relative to the root being walked, or the reported path.
  // Folders are matched too, so an excluded folder is not entered.
  bool excluded(const FTSENT* e, const std::string& display) const {
    if (options.exclude_globs.empty()) return false;
    const std::string rel = e->fts_level > 0 && e->fts_pathlen > root_len
                                ? std::string(e->fts_path + root_len + 1)
                                : display;
    const bool is_dir = e->fts_info == FTS_D;
    for (const std::string& g : options.exclude_globs)
      if (path_glob_match(g, rel, is_dir) || path_glob_match(g, display, is_dir)) return true;
    return false;
  }
};

Walker::Walker(std::vector<std::string> roots, WalkOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->roots = std::move(roots);
  impl_->options = std::move(options);
}

Walker::~Walker() {
  if (impl_->fts) fts_close(impl_->fts);
}

std::optional<WalkEntry> Walker::next(std::vector<Skip>& skips) {
  Impl& w = *impl_;
  if (!w.opened) {
    w.opened = true;
    std::vector<char*> argv;
    for (std::string& r : w.roots) {
      // fts reports a missing root as FTS_NS; say it plainly here instead.
      struct stat st;
      if (::lstat(r.c_str(), &st) != 0) {
        const int err = errno;
        skips.push_back({r, err == ENOENT ? SkipReason::kNotFound : SkipReason::kUnreadable,
                         std::strerror(err)});
        continue;
      }
      argv.push_back(r.data());
    }
    if (argv.empty()) return std::nullopt;
    argv.push_back(nullptr);
    // FTS_COMFOLLOW: a symlink named on the command line is followed, as users expect.
    w.fts = fts_open(argv.data(), FTS_PHYSICAL | FTS_NOCHDIR | FTS_COMFOLLOW, nullptr);
    if (!w.fts) {
      skips.push_back({w.roots.front(), SkipReason::kUnreadable, std::strerror(errno)});
      return std::nullopt;
    }
  }
  if (!w.fts) return std::nullopt;

  while (FTSENT* e = fts_read(w.fts)) {
    const std::string display = display_path(e->fts_path);
    if (e->fts_level == 0) {
      w.root_len = e->fts_pathlen;
      while (w.root_len > 1 && e->fts_path[w.root_len - 1] == '/') --w.root_len;
      char resolved[PATH_MAX];
      w.root_real = ::realpath(e->fts_accpath, resolved) ? resolved : "";
      if (!w.root_real.empty() && w.root_real.back() != '/') w.root_real += '/';
    }
    switch (e->fts_info) {
      case FTS_D:
        if (e->fts_level > 0 && w.options.skip_vcs_dirs && is_vcs_dir(e->fts_name)) {
          skips.push_back({display, SkipReason::kExcluded, "version-control metadata"});
          fts_set(w.fts, e, FTS_SKIP);
        } else if (e->fts_level > 0 && w.options.skip_build_trees && is_build_tree(e)) {
          skips.push_back({display, SkipReason::kExcluded,
                           "CMake build tree (holds CMakeCache.txt); name it to scan it"});
          fts_set(w.fts, e, FTS_SKIP);
        } else if (e->fts_level > 0 && w.excluded(e, display)) {
          skips.push_back({display, SkipReason::kExcluded, "matches an allow-listed path"});
          fts_set(w.fts, e, FTS_SKIP);
        }
        continue;
      case FTS_DP:
        continue;
      case FTS_DC:
        skips.push_back({display, SkipReason::kSymlinkLoop, "directory cycle"});
        continue;
      case FTS_DNR:
        skips.push_back({display, SkipReason::kUnreadable,
                         std::string("cannot read directory: ") + std::strerror(e->fts_errno)});
        continue;
      case FTS_ERR:
      case FTS_NS:
        skips.push_back({display,
                         e->fts_errno == ELOOP    ? SkipReason::kSymlinkLoop
                         : e->fts_errno == ENOENT ? SkipReason::kNotFound
                                                  : SkipReason::kUnreadable,
                         std::strerror(e->fts_errno)});
        continue;
      case FTS_SLNONE: {
        // fts reports a loop as a dangling link; a loop is an error, and so is a link named on
        // the command line that leads nowhere (the user asked for that content).
        struct stat st;
        const int err = ::stat(e->fts_accpath, &st) != 0 ? errno : 0;
        if (err == ELOOP)
          skips.push_back({display, SkipReason::kSymlinkLoop, "symlink loop"});
        else if (e->fts_level == 0)
          skips.push_back({display, SkipReason::kNotFound, "symlink target does not exist"});
        else
          skips.push_back({display, SkipReason::kBrokenSymlink, "symlink target does not exist"});
        continue;
      }
      case FTS_SL: {
        struct stat st;
        if (::stat(e->fts_accpath, &st) != 0) {
          const int err = errno;
          if (err == ELOOP)
            skips.push_back({display, SkipReason::kSymlinkLoop, "symlink resolves to itself"});
          else if (err == ENOENT)
            skips.push_back({display, SkipReason::kBrokenSymlink, "symlink target does not exist"});
          else
            skips.push_back({display, SkipReason::kUnreadable, std::strerror(err)});
          continue;
        }
        if (S_ISDIR(st.st_mode)) {
          skips.push_back(
              {display, SkipReason::kSymlinkDir, "symlink to a directory not followed"});
          continue;
        }
        if (!S_ISREG(st.st_mode)) {
          skips.push_back({display, SkipReason::kSpecialFile, "symlink to a special file"});
          continue;
        }
        if (!w.options.follow_symlinks && !w.inside_root(e->fts_accpath)) {
          skips.push_back({display, SkipReason::kSymlinkOutside,
                           "symlink to a file outside the scan root (--follow-symlinks scans it)"});
          continue;
        }
        if (w.excluded(e, display)) {
          skips.push_back({display, SkipReason::kExcluded, "matches an allow-listed path"});
          continue;
        }
        if (w.options.max_file_size &&
            static_cast<std::uint64_t>(st.st_size) > w.options.max_file_size) {
          skips.push_back({display, SkipReason::kTooLarge, std::to_string(st.st_size) + " bytes"});
          continue;
        }
        return WalkEntry{e->fts_accpath, display, static_cast<std::uint64_t>(st.st_size)};
      }
      case FTS_F: {
        if (w.excluded(e, display)) {
          skips.push_back({display, SkipReason::kExcluded, "matches an allow-listed path"});
          continue;
        }
        const auto size = static_cast<std::uint64_t>(e->fts_statp->st_size);
        if (w.options.max_file_size && size > w.options.max_file_size) {
          skips.push_back({display, SkipReason::kTooLarge, std::to_string(size) + " bytes"});
          continue;
        }
        return WalkEntry{e->fts_accpath, display, size};
      }
      case FTS_DEFAULT:
        skips.push_back({display, SkipReason::kSpecialFile, "FIFO, socket or device"});
        continue;
      default:
        continue;
    }
  }
  return std::nullopt;
}

}  // namespace reachscan
