// Container images as a source: a `docker save` tarball, an OCI image layout (a folder, or a tar
// of one, compressed or not).
//
// scan_image() reads the image index (manifest.json, or index.json and the manifests it names,
// image indexes included), then scans:
//   - every layer, once per digest however many images share it, as an archive
//     (sources/archive.h: nested archives, limits and skips apply per layer). A file that a later
//     layer deletes (whiteout `.wh.NAME`, opaque folder `.wh..wh..opq`) or replaces is still in
//     the image: it is reported, flagged `not_in_final_filesystem`;
//   - the image config, rendered one setting per line (`ENV K=V`, `CMD [...]`,
//     `ENTRYPOINT [...]`, `LABEL k=v`, `USER u`, `WORKDIR d`);
//   - the history, one `created_by` per line (line N is history entry N): `RUN` lines and the
//     `ARG`/`ENV` values build tools bake into them.
//
// Paths read `IMAGE!sha256:<12 hex>!<path in layer>`, `IMAGE!config` and `IMAGE!history`, where
// IMAGE is the image's first tag (or the name given, or the input's file name). Each finding
// carries Finding::image (the image, the full layer digest, its place in the layer stack, the
// history entry and instruction that created the layer, the path in the layer, whether it is in
// the final filesystem), and its reach evidence says the same. Its verdict also weighs what the
// image says: its names (`app:prod`), its config's Env (`NODE_ENV=production`) and, with a
// deployment model, the manifests that deploy it (reach::add_image_context).
//
// Thread-compatible: one call uses one thread. Nothing is extracted to disk.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "scanner/chunked_scan.h"
#include "scanner/detector.h"
#include "scanner/pipeline.h"
#include "sources/archive.h"

namespace reachscan {

namespace reach {
struct ReachConfig;
class DeploymentModel;
}  // namespace reach

struct ImageScanOptions {
  ArchiveOptions archive;  // applies to each layer
  // Name for images whose index gives none (an untagged `docker save`, an OCI layout without
  // ref.name annotations); empty: the input's file name (which is not read as a name for reach).
  std::string name;
  // With a map, each finding's verdict is decided again with what the image says (its names,
  // its config's Env: reach::add_image_context); null: the detector's verdict stays.
  std::shared_ptr<const reach::ReachConfig> reach;
  // The deployment model of a repository (reachscan image --deployment-repo), asked which
  // manifests and CI jobs deploy the image by name; null: none.
  std::shared_ptr<const reach::DeploymentModel> deployment;
};

// Scans the image(s) at `path` into `out` (findings, member skips, notes; members_scanned counts
// layer files). An error means `path` is not a readable image (no manifest.json or index.json, a
// malformed one, a missing blob); what was scanned before a missing layer is kept in `out`.
[[nodiscard]] Status scan_image(const std::string& path, const Detector& detector,
                                const ImageScanOptions& options, FileOutcome& out);

// The image at `path` as a source for the scan pipeline: one item, scanned by scan_image on a
// worker thread. `keep` holds whatever must live as long as the source (the temporary folder an
// image name was exported to).
class ImageSource final : public ScanningSource {
 public:
  ImageSource(std::string path, std::string display, ImageScanOptions options,
              std::shared_ptr<void> keep = nullptr)
      : path_(std::move(path)),
        display_(std::move(display)),
        options_(std::move(options)),
        keep_(std::move(keep)) {}
  std::optional<Item> next(std::vector<Skip>& skips) override;
  void scan(const Item& item, const Detector& detector, const ArchiveOptions& archive,
            FileOutcome& out) const override;

 private:
  std::string path_, display_;
  ImageScanOptions options_;
  std::shared_ptr<void> keep_;
  bool given_ = false;
};

}  // namespace reachscan
