// Read-only access to a git repository through libgit2: the blob sources a scan pulls from
// (full history, staged changes, commit ranges), a per-thread blob reader, and the provenance
// look-ups (commit metadata, refs containing a commit, blobs at HEAD).
//
// Nothing here writes to the repository or runs its hooks, filters or configured commands:
// libgit2 executes none of them, and we only read objects. A Repository handle is not shared
// between threads: open one per worker (libgit2 handles are not thread-safe).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace reachscan::git {

// A 20-byte object id, hashable, with no libgit2 header needed.
struct ObjectId {
  std::array<unsigned char, 20> bytes{};
  // Inline word compares: the walk's seen-sets compare ids millions of times, and a memcmp
  // call per compare showed in profiles.
  bool operator==(const ObjectId& o) const {
    std::uint64_t a[2], b[2];
    std::uint32_t c, d;
    __builtin_memcpy(a, bytes.data(), 16);
    __builtin_memcpy(b, o.bytes.data(), 16);
    __builtin_memcpy(&c, bytes.data() + 16, 4);
    __builtin_memcpy(&d, o.bytes.data() + 16, 4);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (c ^ d)) == 0;
  }
  bool operator<(const ObjectId& o) const { return bytes < o.bytes; }
  std::string hex() const;
  static std::optional<ObjectId> from_hex(const std::string& hex);
};
struct ObjectIdHash {
  std::size_t operator()(const ObjectId& id) const {
    std::size_t h;
    static_assert(sizeof(h) <= 20);
    __builtin_memcpy(&h, id.bytes.data(), sizeof(h));
    return h;
  }
};
using ObjectIdSet = std::unordered_set<ObjectId, ObjectIdHash>;
// Blob -> the paths it is at (in one tree).
using BlobPaths = std::unordered_map<ObjectId, std::vector<std::string>, ObjectIdHash>;

// Added lines of a file in a diff, as inclusive 1-based [first, last] ranges of the new file.
using LineRanges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// The commit graph a history walk saw (git/walk_graph.h): commits in walk order, parents first.
class CommitGraph;

// One blob to scan and where it was first seen.
struct BlobTask {
  ObjectId blob;
  std::string path;
  std::optional<ObjectId> commit;  // introducing commit; none for the index or dangling blobs
  bool only_added = false;         // report only findings on `added` lines (staged, ranges)
  LineRanges added;
  std::uint64_t size_hint = 0;
};

// Sets process-wide libgit2 options once: no strict hash verification (reads ~2.4x faster; we
// never write), bounded pack windows and object cache, no owner check (we never execute
// anything from the repository). Thread-safe.
void init_library();

class Repository {
 public:
  // Opens the repository containing `path` (a worktree, its .git folder, or a bare repository).
  static Expected<std::unique_ptr<Repository>> open(const std::string& path);
  ~Repository();
  Repository(const Repository&) = delete;
  Repository& operator=(const Repository&) = delete;

  // The folder given to open() resolved to the repository's git dir; usable to open more
  // handles for other threads.
  const std::string& git_dir() const;
  // The work tree, or empty for a bare repository.
  std::string workdir() const;
  bool is_shallow() const;
  bool is_empty() const;
  bool head_unborn() const;

  // Blob content, held in libgit2's buffer (no copy); valid while the Blob lives.
  struct Blob {
    std::shared_ptr<const void> owner;
    std::string_view data;
  };
  // Reads a blob. Errors name the object id. A blob over 16 MiB is held by one Blob at a time
  // process-wide (libgit2 cannot stream packed objects; this bounds memory instead): a thread
  // holding one such Blob must drop it before reading another large one.
  [[nodiscard]] Expected<Blob> read_blob(const ObjectId& id) const;
  // Size of a blob without inflating it when the pack allows.
  [[nodiscard]] Expected<std::uint64_t> blob_size(const ObjectId& id) const;

  // Commit metadata (author, date, summary). `touched` lists paths changed against the first
  // parent, up to `max_touched`.
  [[nodiscard]] Expected<CommitInfo> describe(const ObjectId& commit,
                                              std::size_t max_touched = 50) const;
  // For each of `commits`: the branches, tags and remote branches whose history contains it (at
  // most `limit` each, sorted), computed over `graph` (from a history walk) in one pass, so the
  // cost does not multiply with the number of refs or findings.
  std::map<ObjectId, std::vector<std::string>> refs_containing(const std::vector<ObjectId>& commits,
                                                               const CommitGraph& graph,
                                                               std::size_t limit = 20) const;
  // Every blob in the tree of HEAD and the paths it is at there (empty for an unborn HEAD).
  BlobPaths head_blobs() const;
  // Resolves a revision (sha, branch, tag, HEAD~2, ...) to a commit id.
  [[nodiscard]] Expected<ObjectId> resolve_commit(const std::string& rev) const;

  // Opaque git_repository*.
  void* raw() const;

 private:
  Repository();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every blob reachable from every ref (branches, tags, remotes, stash, notes) and HEAD, each
// distinct blob once, with the first commit (parents before children) and path it appeared at.
// Trees already seen are not walked again, so the work follows unique content, not history
// length. Not thread-safe: the pipeline pulls from its serial input stage.
class HistoryWalker {
 public:
  struct Options {
    bool all_objects = false;           // then also blobs no ref reaches
    std::optional<std::string> branch;  // only history reachable from this revision
    std::optional<ObjectId> hide;       // stop at (exclude) history of this commit
  };
  HistoryWalker(const Repository& repo, Options options);
  ~HistoryWalker();

  // The next blobs: walks commits until at least `max` new blobs are found (or history ends) and
  // returns them grouped by path, in walk order within a path. Empty at the end. Problems
  // (corrupt or missing objects) are appended to `errors` with the object id; the walk goes on.
  //
  // Why grouped: successive versions of a file form one delta chain in a pack, and libgit2 keeps
  // only 16 MiB of delta bases per pack. Read in walk order, the chains interleave and every read
  // re-inflates its chain; read path by path, each version's base is the one just read. On a
  // 40k-commit history this cut blob reading CPU by ~40% (bench/git_bench.sh).
  std::vector<BlobTask> next_batch(std::size_t max, std::vector<std::string>& errors);

  std::uint64_t commits_walked() const;
  // The commits walked so far and their parents.
  const CommitGraph& graph() const;
  std::uint64_t missing_parents() const;  // shallow clones: parents not present

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What `git commit` would add: files staged in the index against HEAD (or against nothing in
// an initial commit), with their added lines. Renames are detected, so a moved file adds nothing.
// Binary files and submodules are returned in `skips`.
[[nodiscard]] Expected<std::vector<BlobTask>> staged_blobs(const Repository& repo,
                                                           std::vector<Skip>& skips);

// What the commits in `range` introduce, each commit diffed against its first parent (a root
// commit against nothing), with added lines; a blob seen in several commits is scanned once.
// `range` is "BASE..TIP" or just "BASE" (meaning BASE..HEAD). Merge commits add nothing of their
// own: their parents' commits in the range carry the changes.
[[nodiscard]] Expected<std::vector<BlobTask>> range_blobs(const Repository& repo,
                                                          const std::string& range,
                                                          std::vector<Skip>& skips);

// Before libgit2 reads a repository's metadata (config, HEAD, packed-refs, alternates, loose
// refs) with blocking reads: each must be a regular file or absent. A FIFO there (a hostile
// archive or copy) would hang the scan. Error names the file; ok when `path` is no repository.
[[nodiscard]] Status check_repository_files(const std::string& path);

}  // namespace reachscan::git
