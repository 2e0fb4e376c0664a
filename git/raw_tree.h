// Raw git trees, parsed in place: "<octal mode> <name>\0<20-byte id>" per entry, sorted by name
// (a subtree's name compared as if it ended in '/'). Read straight from the object database, a
// tree needs no git_tree object (an allocation per entry) and no object cache.
#pragma once

#include <git2.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "git/libgit2.h"
#include "git/repository.h"

namespace reachscan::git::detail {

enum class EntryKind { kTree, kFile, kSymlink, kSubmodule, kOther };

struct RawEntry {
  EntryKind kind;
  std::string_view mode;
  std::string_view name;
  ObjectId id;
};

// Modes as git writes them: 40000 tree, 100644/100755 (and the old 100664) file, 120000 symlink
// (its blob is only a path), 160000 submodule (a commit of another repository).
inline EntryKind entry_kind(std::string_view mode) {
  if (mode == "40000" || mode == "040000") return EntryKind::kTree;
  if (mode.size() == 6 && mode.substr(0, 3) == "100") return EntryKind::kFile;
  if (mode == "120000") return EntryKind::kSymlink;
  if (mode == "160000") return EntryKind::kSubmodule;
  return EntryKind::kOther;
}

// Calls fn(const RawEntry&) for each entry; false when the tree does not parse (the entries
// before the damage were handed out).
template <typename Fn>
bool for_each_entry(std::string_view data, Fn&& fn) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t space = data.find(' ', pos);
    if (space == std::string_view::npos) return false;
    const std::size_t nul = data.find('\0', space + 1);
    if (nul == std::string_view::npos || nul + 21 > data.size()) return false;
    RawEntry e;
    e.mode = data.substr(pos, space - pos);
    e.kind = entry_kind(e.mode);
    e.name = data.substr(space + 1, nul - space - 1);
    std::memcpy(e.id.bytes.data(), data.data() + nul + 1, 20);
    pos = nul + 21;
    fn(e);
  }
  return true;
}

// A tree's raw bytes, owned by libgit2's object; none when it cannot be read or is not a tree.
struct RawTree {
  OdbObjectPtr object;
  std::string_view data;
};
inline std::optional<RawTree> read_raw_tree(git_odb* odb, const ObjectId& id) {
  const git_oid oid = to_oid(id);
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, odb, &oid) != 0) return std::nullopt;
  RawTree t{OdbObjectPtr(raw), {}};
  if (git_odb_object_type(raw) != GIT_OBJECT_TREE) return std::nullopt;
  t.data = std::string_view(static_cast<const char*>(git_odb_object_data(raw)),
                            git_odb_object_size(raw));
  return t;
}

}  // namespace reachscan::git::detail
