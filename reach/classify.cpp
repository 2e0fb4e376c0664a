// The classifier's orchestrator: runs every signal family (reach/signals/) over one finding and
// scores what they collected (reach/score.h).
#include "reach/classify.h"

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

bool at_least(ReachVerdict v, ReachVerdict min) {
  auto rank = [](ReachVerdict x) {
    switch (x) {
      case ReachVerdict::kNonProduction:
        return 0;
      case ReachVerdict::kUnknown:
        return 1;
      case ReachVerdict::kProduction:
        return 2;
    }
    return 1;
  };
  return rank(v) >= rank(min);
}

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
