// The classifier's orchestrator: runs every signal family (reach/signals/) over one finding and
// scores what they collected (reach/score.h).
#include "reach/classify.h"

#include <algorithm>
#include <optional>

#include "reach/file_view.h"
#include "reach/model.h"
#include "reach/score.h"
#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach {
namespace {

bool yaml_documents(const std::string& rel) {
  const std::string low = detail::to_lower(rel);
  return low.find(".yml") != std::string::npos || low.find(".yaml") != std::string::npos;
}

// Whether `local` was tagged for a long-lived credential form (its frameworks say so).
bool long_lived_form(const detail::Model& m, const Reach& local) {
  return std::any_of(
      m.frameworks_long_lived.begin(), m.frameworks_long_lived.end(), [&](const std::string& t) {
        return signals::contains(local.frameworks, t) && !signals::contains(m.frameworks_always, t);
      });
}

}  // namespace

Reach classify(const Finding& f, const FileContext& ctx, const ReachConfig& cfg) {
  Reach r;
  std::string error;
  const detail::Model* mp = detail::model(&error);
  if (!mp) {
    r.evidence.push_back({"internal", "reach signal data failed to load: " + error, 0});
    return r;
  }
  const detail::Model& m = *mp;
  signals::Collector c(m);
  const std::string rel = signals::relative_path(ctx, f, cfg);
  std::optional<detail::FileView> view;
  if (!ctx.text.empty())
    view.emplace(ctx.text, static_cast<std::size_t>(ctx.secret_offset), m.context_lines,
                 yaml_documents(rel), static_cast<std::size_t>(f.line));
  const signals::Input in{f, ctx, cfg, m, rel, view ? &*view : nullptr};
  for (const signals::Family& family : signals::families()) family.fn(in, c);
  return signals::score(m, c.reduce(), c.long_lived());
}

Reach add_git_context(const Reach& local, const Finding& f, const ReachConfig& cfg) {
  if (!f.commit) return local;
  const detail::Model* mp = detail::model();
  if (!mp) return local;
  const detail::Model& m = *mp;
  // The evidence the file gave, without any git evidence it had, then the git family again with
  // the provenance known now.
  signals::Collector c(m);
  for (const Evidence& e : local.evidence)
    if (e.signal.rfind("git_", 0) != 0 && e.signal != "config_branch")
      c.add(e.signal, e.detail, e.weight);
  const FileContext none;
  const signals::Input in{f, none, cfg, m, signals::relative_path(none, f, cfg), nullptr};
  signals::git_family(in, c);
  Reach r = signals::score(m, c.reduce(), long_lived_form(m, local));
  r.related = local.related;
  return r;
}

Reach add_image_context(const Reach& local, const Finding& f, const ImageFacts& image,
                        const ReachConfig& cfg, const DeploymentModel* deployment) {
  const detail::Model* mp = detail::model();
  if (!mp) return local;
  const detail::Model& m = *mp;
  // The file's evidence, less what was read from the display path (image name, digest and
  // path in one string); the path inside the image is read again, the image by its own family.
  signals::Collector c(m);
  for (const Evidence& e : local.evidence)
    if (e.signal != "path" && e.signal != "file_name" && e.signal != "config_path")
      c.add(e.signal, e.detail, e.weight);
  FileContext ctx;
  ctx.path = image.path;
  ctx.deployment = deployment;
  ctx.image = &image;
  const signals::Input in{f, ctx, cfg, m, detail::normalize_path(image.path), nullptr};
  if (!image.path.empty()) signals::path_family(in, c);
  signals::image_family(in, c);
  Reach r = signals::score(m, c.reduce(), long_lived_form(m, local));
  r.related = local.related;
  for (const std::string& flag : local.flags)
    if (!signals::contains(r.flags, flag) && flag != "live_secret_in_non_production" &&
        flag != "reused_across_environments")
      r.flags.push_back(flag);
  return r;
}

bool at_least(ReachVerdict v, ReachVerdict min) { return reach_rank(v) >= reach_rank(min); }

std::optional<ReachVerdict> parse_verdict(std::string_view text) {
  const std::string low = detail::to_lower(text);
  if (low == "production") return ReachVerdict::kProduction;
  if (low == "unknown") return ReachVerdict::kUnknown;
  if (low == "non_production" || low == "non-production") return ReachVerdict::kNonProduction;
  return std::nullopt;
}

Status check_signal_data() {
  std::string error;
  if (!detail::model(&error)) return Status::error(error);
  return Status();
}

}  // namespace reachscan::reach
