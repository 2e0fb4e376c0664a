// `reachscan image`: scan a container image, and the global flags that set archive limits.
//
// The subcommand takes a `docker save` tarball, an OCI image layout (folder or tar), or an image
// name, which is exported with `docker save` (or `podman save`) to a private temporary folder
// first. Scanning itself is sources/image.h; this file only resolves the target.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/status.h"
#include "patterns/rule_database.h"
#include "scanner/pipeline.h"
#include "sources/archive.h"
#include "sources/image.h"

namespace reachscan::cli {

// --max-archive-depth, --max-archive-size, --max-archive-members, --no-binary-strings.
struct ArchiveFlags {
  int max_depth = ArchiveOptions{}.max_depth;
  std::string max_size;  // empty: the default
  std::uint64_t max_members = ArchiveOptions{}.max_members;
  bool no_binary_strings = false;
};
void add_archive_flags(CLI::App& app, ArchiveFlags& flags);
// Copies the flags into `options`; an error names the flag that is wrong.
[[nodiscard]] Status apply_archive_flags(const ArchiveFlags& flags, ArchiveOptions& options);

// Adds the `image` subcommand, which fills `ref` and `deployment_repo` (--deployment-repo DIR).
CLI::App* add_image_subcommand(CLI::App& app, std::string& ref, std::string& deployment_repo);

// The source for `ref`: a path to an image tarball or OCI layout, else an image name exported
// with docker/podman save to a private temporary folder (removed with the source); `io` carries
// the reach inputs (map, deployment model). Errors: nothing at `ref` and no docker/podman, the
// save failed.
[[nodiscard]] Expected<std::unique_ptr<BlobSource>> open_image_source(const std::string& ref,
                                                                      ImageScanOptions io);

}  // namespace reachscan::cli
