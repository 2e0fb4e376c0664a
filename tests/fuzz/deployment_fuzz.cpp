// Fuzz target: the deployment-model readers (Kustomize, Flux, Argo CD, Helm charts and helmfile,
// Terraform/Terragrunt, GitHub Actions, GitLab CI, shell scripts, Dockerfiles, compose), which
// read files of the scanned tree. The input is a small tree held in memory (fuzz::split_files).
// Each reader is picked by the builder from the path, as in a real scan. The model is then asked
// about every file: every chain it gives ends at an entry point's environment, "(...)".
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "reach/deployment.h"

namespace {

class MemoryTree final : public reachscan::reach::TreeReader {
 public:
  explicit MemoryTree(std::string_view input) : files_(reachscan::fuzz::split_files(input)) {}
  std::vector<std::string> paths() const override {
    std::vector<std::string> out;
    for (const auto& [path, text] : files_) out.push_back(path);
    return out;
  }
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second.substr(0, max_bytes);
  }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan::reach;
  const MemoryTree tree(reachscan::fuzz::as_text(data, size));
  DeploymentOptions options;
  options.max_file_bytes = 64u << 10;
  options.max_edges = 20000;
  const DeploymentModel model = build_deployment_model(tree, options);
  for (const std::string& path : tree.paths()) {
    const auto reach = model.reach(path);
    if (!reach) continue;
    for (const auto& [reached, chain] :
         {std::pair(reach->production, reach->production_chain),
          std::pair(reach->non_production, reach->non_production_chain)})
      if (reached && (chain.empty() || chain.back() != ')')) __builtin_trap();
  }
  return 0;
}
