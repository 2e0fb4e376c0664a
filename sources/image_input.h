// Internal to sources/: random access to the files of a container image, whatever holds them (an
// OCI layout folder, or a tar of a `docker save` or an OCI layout, compressed or not). Used by
// sources/image.cpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/status.h"
#include "scanner/chunked_scan.h"

namespace reachscan::image_detail {

// Random access to the named files of an image. Not thread-safe.
class ImageInput {
 public:
  virtual ~ImageInput() = default;
  // A small document (manifest, config, index), or nullopt when absent.
  virtual std::optional<std::string> document(const std::string& name) = 0;
  // Calls `scan` for each name in `wanted` that exists, with a reader of its bytes. Names not
  // found are returned.
  virtual std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) = 0;
};

// The input at `path`: a folder, or a tar (its small JSON documents are read in a first pass).
// Errors: nothing there, not a readable tar.
[[nodiscard]] Expected<std::unique_ptr<ImageInput>> open_image_input(const std::string& path);

// A member name without leading "./" and trailing '/'.
std::string normalize(std::string name);

}  // namespace reachscan::image_detail
