// Builds the deployment model (reach/deployment.h) of what a scan covers: a folder on disk or
// the HEAD tree of a repository. The adapter from git's HEAD tree to reach::TreeReader lives
// here, where both stages are known (git/ and reach/ do not depend on each other).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reach/deployment.h"

namespace reachscan {

namespace git {
class Repository;
}

// The model of the folder `root`; null when `root` is not a folder.
std::shared_ptr<const reach::DeploymentModel> build_folder_deployment(const std::string& root);

// The model of HEAD's tree (paths relative to the repository root); null for an unborn HEAD.
std::shared_ptr<const reach::DeploymentModel> build_head_deployment(const git::Repository& repo);

// ScanOptions::deployment for a scan of the folder `root`, or of the repository at `repo` (its
// HEAD tree): the model is built when the scan first asks for it.
using DeploymentFactory = std::function<std::shared_ptr<const reach::DeploymentModel>()>;
DeploymentFactory folder_deployment(std::string root);
DeploymentFactory head_deployment(std::string repo);

}  // namespace reachscan
