// The signal families, in the order they run. Order matters only for how evidence of equal
// strength is listed; every family reads its own Input and adds to the collector.
#include "reach/signals/common.h"

namespace reachscan::reach::signals {

const std::vector<Family>& families() {
  static const std::vector<Family> kFamilies = {
      {"credential_form", credential_form},
      {"path", path_family},
      {"content", content_family},
      {"hosts", host_family},
      {"credential_account", credential_account},
      {"jwt", jwt_family},
      {"git", git_family},
      {"deployment", deployment_family},
      {"image", image_family},
  };
  return kFamilies;
}

}  // namespace reachscan::reach::signals
