// Streaming reads of large blobs straight from a repository's object database.
//
// libgit2 (1.5) inflates an object whole into memory, packed or not, so a 1 GB blob costs 1 GB
// and more. This reader covers the case that matters for large files: a blob stored whole, either
// loose or undeltified in a pack (git stores files above core.bigFileThreshold whole, and a file
// with one version has no delta base). It finds the object through the packs' .idx files (version
// 2, 64-bit offsets included) or its loose file, parses the object header and inflates the
// content piece by piece into the caller's buffer, hashing it as it goes: at the end the SHA-1 of
// "blob <size>\0<content>" must be the id that was asked for, else the stream fails.
//
// Deltified objects, index versions other than 2, objects not found and anything unexpected give
// no stream, and the caller reads the blob another way (libgit2, bounded by --max-file-size).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/blob_source.h"
#include "git/repository.h"

namespace reachscan::git {

class ObjectStreams {
 public:
  // Maps the .idx files of the repository's packs and of its alternates (nothing is read until a
  // look-up touches it). `git_dir` is a repository's git dir (a linked worktree's included).
  // Never fails: what cannot be opened is left out, and its objects are read another way.
  explicit ObjectStreams(const std::string& git_dir);
  ~ObjectStreams();
  ObjectStreams(const ObjectStreams&) = delete;
  ObjectStreams& operator=(const ObjectStreams&) = delete;

  struct Opened {
    std::unique_ptr<ByteStream> stream;
    std::uint64_t size = 0;
  };
  // A stream over blob `id`'s content and its size, when the blob is stored whole; nullopt when
  // it is deltified, missing, not a blob or unreadable here. Thread-safe; each stream has its own
  // descriptor and is used by one thread at a time.
  [[nodiscard]] std::optional<Opened> open_blob(const ObjectId& id) const;

  // How many pack indexes were mapped (for tests).
  std::size_t packs() const;

 private:
  struct PackIndex;
  std::vector<std::string> object_dirs_;
  std::vector<std::unique_ptr<PackIndex>> packs_;
};

}  // namespace reachscan::git
