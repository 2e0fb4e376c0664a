#include "git/staged_scope.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>

#include "core/read_file.h"
#include "git/libgit2.h"

namespace reachscan::git::detail {
namespace {

constexpr std::uint64_t kMaxIndexBytes = 4ull << 30;

// One folder of the cache tree. `valid`: `id` is the tree of the folder's index entries.
struct CacheNode {
  std::string_view name;
  bool valid = false;
  git_oid id{};
  std::vector<CacheNode> children;

  const CacheNode* child(std::string_view n) const {
    for (const CacheNode& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
};

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Reads a number in ASCII up to `stop`; false on anything else.
bool ascii_number(std::string_view& s, char stop, long& out) {
  const std::size_t end = s.find(stop);
  if (end == std::string_view::npos || end == 0 || end > 12) return false;
  bool negative = s[0] == '-';
  long v = 0;
  for (std::size_t i = negative ? 1 : 0; i < end; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = negative ? -v : v;
  s.remove_prefix(end + 1);
  return true;
}

// One node and its subtrees, in the extension's pre-order: "name\0count subtrees\n[id]".
bool parse_node(std::string_view& s, CacheNode& node, int depth) {
  const std::size_t nul = s.find('\0');
  if (nul == std::string_view::npos || depth > 4096) return false;
  node.name = s.substr(0, nul);
  s.remove_prefix(nul + 1);
  long count = 0, subtrees = 0;
  if (!ascii_number(s, ' ', count) || !ascii_number(s, '\n', subtrees) || subtrees < 0)
    return false;
  node.valid = count >= 0;
  if (node.valid) {
    if (s.size() < 20) return false;
    std::memcpy(node.id.id, s.data(), 20);
    s.remove_prefix(20);
  }
  node.children.resize(static_cast<std::size_t>(std::min<long>(subtrees, 1 << 20)));
  for (CacheNode& c : node.children)
    if (!parse_node(s, c, depth + 1)) return false;
  return true;
}

struct Entry {
  std::string_view path;
  git_oid id;
  std::uint32_t mode;
  std::uint32_t size;  // as the index records it (only the subset index uses it)
};

// git's variable-length offset (index version 4's "bytes to drop from the previous path").
bool read_varint(const unsigned char* b, std::size_t end, std::size_t& p, std::uint64_t& out) {
  if (p >= end) return false;
  unsigned char c = b[p++];
  out = c & 0x7f;
  while (c & 0x80) {
    if (p >= end || out > (std::uint64_t{1} << 48)) return false;
    c = b[p++];
    out = ((out + 1) << 7) | (c & 0x7f);
  }
  return true;
}

// The entries of an index file (versions 2 to 4) and its TREE extension. The entries' paths point
// into `file`, or for version 4 (whose paths are compressed) into `paths`. False when the file is
// not one this reader understands or has no cache tree; when `strict`, also when it has entries a
// staged diff leaves to libgit2: conflicts and extended flags (intent-to-add, skip-worktree).
bool read_index_file(std::string_view file, bool strict, std::string& paths,
                     std::vector<Entry>& entries, CacheNode& root) {
  const auto* b = reinterpret_cast<const unsigned char*>(file.data());
  if (file.size() < 12 + 20 || std::memcmp(b, "DIRC", 4) != 0) return false;
  const std::uint32_t version = be32(b + 4);
  const std::size_t count = be32(b + 8);
  if (version < 2 || version > 4 || count > file.size() / 62) return false;
  std::size_t pos = 12;
  const std::size_t end = file.size() - 20;                // the SHA-1 trailer
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // into `paths` (version 4)
  entries.resize(count);
  paths.clear();
  std::size_t previous = 0, previous_size = 0;  // the previous path, in `paths`
  for (std::size_t i = 0; i < count; ++i) {
    if (pos + 62 > end) return false;
    const unsigned flags = (unsigned{b[pos + 60]} << 8) | b[pos + 61];
    if (strict && (flags & 0x7000)) return false;  // a conflict stage or extended flags
    std::size_t p = pos + 62 + ((version >= 3 && (flags & 0x4000)) ? 2 : 0);
    std::uint64_t drop = 0;
    if (version == 4 && (!read_varint(b, end, p, drop) || drop > previous_size)) return false;
    if (p >= end) return false;
    const void* nul = std::memchr(b + p, 0, end - p);
    if (!nul) return false;
    const auto path_end = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - b);
    Entry& e = entries[i];
    if (version == 4) {  // the path is rebuilt from the previous one
      const std::size_t start = paths.size();
      paths.append(paths, previous, previous_size - drop);
      paths.append(file.substr(p, path_end - p));
      spans.emplace_back(start, paths.size() - start);
      previous = start;
      previous_size = paths.size() - start;
    } else {
      e.path = file.substr(p, path_end - p);
    }
    std::memcpy(e.id.id, b + pos + 40, 20);
    e.mode = be32(b + pos + 24);
    e.size = be32(b + pos + 36);
    // Versions 2 and 3 pad each entry with 1 to 8 NULs to a multiple of 8 bytes.
    pos = version == 4 ? path_end + 1 : pos + ((path_end - pos + 8) & ~std::size_t{7});
  }
  for (std::size_t i = 0; i < spans.size(); ++i)
    entries[i].path = std::string_view(paths).substr(spans[i].first, spans[i].second);
  while (pos + 8 <= end) {
    const std::string_view sig = file.substr(pos, 4);
    const std::size_t size = be32(b + pos + 4);
    if (size > end - pos - 8) return false;
    std::string_view data = file.substr(pos + 8, size);
    if (sig == "TREE") return parse_node(data, root, 0);
    // Split and sparse indexes keep entries elsewhere or as folders: not for this reader.
    if (sig == "link" || sig == "sdir") return false;
    pos += 8 + size;
  }
  return false;
}

using TreeHandle = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;

class ScopeWalk {
 public:
  ScopeWalk(git_repository* repo, std::vector<Entry> entries)
      : repo_(repo), entries_(std::move(entries)) {}

  // Compares the index entries [lo, hi) under `prefix` with `head` (null: none there).
  bool compare(const std::string& prefix, const CacheNode* node, const git_tree* head,
               std::size_t lo, std::size_t hi) {
    struct Side {
      const Entry* file = nullptr;
      std::size_t lo = 0, hi = 0;  // index entries of a folder
      const git_tree_entry* head = nullptr;
    };
    std::map<std::string_view, Side> files, dirs;
    for (std::size_t i = lo; i < hi;) {
      const std::string_view rel = entries_[i].path.substr(prefix.size());
      const std::size_t slash = rel.find('/');
      if (slash == std::string_view::npos) {
        files[rel].file = &entries_[i++];
        continue;
      }
      const std::string_view name = rel.substr(0, slash + 1);
      std::size_t j = i + 1;
      while (j < hi && entries_[j].path.substr(prefix.size(), name.size()) == name) ++j;
      Side& d = dirs[name.substr(0, slash)];
      d.lo = i;
      d.hi = j;
      i = j;
    }
    const std::size_t n = head ? git_tree_entrycount(head) : 0;
    for (std::size_t k = 0; k < n; ++k) {
      const git_tree_entry* e = git_tree_entry_byindex(head, k);
      (git_tree_entry_type(e) == GIT_OBJECT_TREE ? dirs : files)[git_tree_entry_name(e)].head = e;
    }
    for (const auto& [name, side] : files) {
      const bool same =
          side.file && side.head && git_oid_equal(&side.file->id, git_tree_entry_id(side.head)) &&
          side.file->mode == static_cast<std::uint32_t>(git_tree_entry_filemode_raw(side.head));
      if (!same) paths_.push_back(prefix + std::string(name));
    }
    for (const auto& [name, side] : dirs) {
      const std::string path = prefix + std::string(name) + "/";
      if (!side.head || side.hi == side.lo) {  // only one side has the folder: all of it
        paths_.push_back(path);
        continue;
      }
      const CacheNode* child = node ? node->child(name) : nullptr;
      if (child && child->valid && git_oid_equal(&child->id, git_tree_entry_id(side.head)))
        continue;  // unchanged: not read
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, repo_, git_tree_entry_id(side.head)) != 0) return false;
      TreeHandle sub(raw);
      if (!compare(path, child, sub.get(), side.lo, side.hi)) return false;
    }
    return true;
  }

  std::vector<std::string> take() { return std::move(paths_); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  git_repository* repo_;
  std::vector<Entry> entries_;
  std::vector<std::string> paths_;
};

}  // namespace

namespace {

bool by_path(const Entry& a, const Entry& b) { return a.path < b.path; }

// Whether `path` lies in `scope` (sorted; folders end in '/' and nothing under a folder in it is
// listed apart from it, so the one candidate is the last element not after `path`).
bool in_scope(const std::vector<std::string>& scope, std::string_view path) {
  auto it = std::upper_bound(scope.begin(), scope.end(), path,
                             [](std::string_view p, const std::string& s) { return p < s; });
  if (it == scope.begin()) return false;
  const std::string& s = *--it;
  return s == path || (!s.empty() && s.back() == '/' && path.starts_with(s));
}

bool attributes_file(std::string_view path) {
  constexpr std::string_view kName = ".gitattributes";
  return path.ends_with(kName) &&
         (path.size() == kName.size() || path[path.size() - kName.size() - 1] == '/');
}

// An index without a repository holding the entries of `all` that lie in `scope`, and every
// .gitattributes (the diff reads attributes from the repository's index).
IndexPtr subset_index(const std::vector<Entry>& all, const std::vector<std::string>& scope) {
  git_index* raw = nullptr;
  if (git_index_new(&raw) != 0) return nullptr;
  IndexPtr index(raw);
  std::string path;
  for (const Entry& e : all) {
    if (!in_scope(scope, e.path) && !attributes_file(e.path)) continue;
    git_index_entry x{};
    path.assign(e.path);
    x.path = path.c_str();
    x.id = e.id;
    x.mode = e.mode;
    x.file_size = e.size;
    if (git_index_add(raw, &x) != 0) return nullptr;
  }
  return index;
}

}  // namespace

std::optional<std::vector<std::string>> staged_scope(git_repository* repo, git_index* index,
                                                     git_tree* head) {
  const char* file = git_index_path(index);
  if (!head || !file || git_index_has_conflicts(index)) return std::nullopt;
  auto bytes = map_regular_file(file, kMaxIndexBytes, "index");
  std::string paths;
  std::vector<Entry> entries;
  CacheNode root;
  const std::size_t count = git_index_entrycount(index);
  if (!bytes || !read_index_file(bytes->view(), false, paths, entries, root) ||
      entries.size() != count)
    return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {  // libgit2's entries: the file may have changed since
    const git_index_entry* e = git_index_get_byindex(index, i);
    entries[i] = {e->path, e->id, e->mode, e->file_size};
  }
  if (!std::is_sorted(entries.begin(), entries.end(), by_path)) return std::nullopt;
  if (root.valid && git_oid_equal(&root.id, git_tree_id(head))) return std::vector<std::string>{};
  ScopeWalk walk(repo, std::move(entries));
  if (!walk.compare("", &root, head, 0, count)) return std::nullopt;
  return walk.take();
}

std::optional<StagedIndex> staged_index(git_repository* repo, git_tree* head) {
  if (!head || git_repository_is_bare(repo)) return std::nullopt;
  auto bytes =
      map_regular_file(std::string(git_repository_path(repo)) + "index", kMaxIndexBytes, "index");
  std::string paths;
  std::vector<Entry> entries;
  CacheNode root;
  if (!bytes || !read_index_file(bytes->view(), true, paths, entries, root) ||
      !std::is_sorted(entries.begin(), entries.end(), by_path))
    return std::nullopt;
  StagedIndex out;
  if (root.valid && git_oid_equal(&root.id, git_tree_id(head))) return out;
  const std::size_t count = entries.size();
  ScopeWalk walk(repo, std::move(entries));
  if (!walk.compare("", &root, head, 0, count)) return std::nullopt;
  out.scope = walk.take();
  std::sort(out.scope.begin(), out.scope.end());
  out.index = subset_index(walk.entries(), out.scope);
  if (!out.index) return std::nullopt;
  return out;
}

}  // namespace reachscan::git::detail
