// Git blob sources: a repository's history (every blob reachable from every ref, each once), what
// is staged, and what a range of commits adds. Each is a BlobSource for the one scan pipeline.
//
// Items carry the blob id and the commit that introduced it; `describe` attaches that commit's
// author, date and summary to a finding as it arrives (looked up once per commit); `finish` adds
// what needs the whole walk, only for blobs with findings: the refs whose history contains the
// commit, whether the secret is still at HEAD and the paths at HEAD that hold it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/blob_source.h"
#include "core/status.h"

namespace reachscan::git {

struct GitSourceOptions {
  enum class Mode { kHistory, kStaged, kRange };
  std::string repo = ".";
  Mode mode = Mode::kHistory;
  std::string range;                  // kRange: "BASE..TIP" or "BASE" (BASE..HEAD)
  std::optional<std::string> branch;  // kHistory: only what this revision reaches
  bool all_objects = false;           // kHistory: also unreachable blobs
  // A blob larger than this that is stored as a delta is skipped (too large, with the reason):
  // libgit2 reads such a blob whole, and its delta base too. Blobs stored whole, loose or
  // packed, are streamed at any size; git stores files over core.bigFileThreshold whole.
  std::uint64_t max_whole_read = std::uint64_t{128} << 20;
};

// Opens the repository and prepares the walk or the list. Errors (not a repository, a revision
// that does not resolve, a range that does not parse) stop before anything is scanned; problems
// with single objects are recorded in the summary by `finish` and the scan goes on.
[[nodiscard]] Expected<std::unique_ptr<BlobSource>> open_source(const GitSourceOptions& options);

// The folder a repository's config and ignore files are read from: its work tree, or the git dir
// of a bare repository.
[[nodiscard]] Expected<std::string> config_root(const std::string& repo);

}  // namespace reachscan::git
