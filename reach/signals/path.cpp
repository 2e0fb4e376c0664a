// Path family: folder and file names (prod/, tests/, values-prod.yaml, .env.staging), path and
// file-name globs, and the environments map's `paths:`.
#include <string>
#include <vector>

#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

void path_signals(const Model& m, const std::string& rel, Collector& c) {
  const std::size_t slash = rel.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : rel.substr(0, slash);
  const std::string file = slash == std::string::npos ? rel : rel.substr(slash + 1);

  struct Hit {
    int segment;
    std::string name;
    const detail::WordMarker* marker;
  };
  std::vector<Hit> hits;
  int innermost = -1;
  std::size_t i = 0;
  for (int segment = 0; i < dir.size(); ++segment) {
    std::size_t j = dir.find('/', i);
    if (j == std::string::npos) j = dir.size();
    const std::string seg = dir.substr(i, j - i);
    for (const std::string& w : env_words(m, seg))
      for (const auto& marker : m.path_markers)
        if (contains(marker.words, w)) {
          hits.push_back({segment, seg, &marker});
          if (marker.innermost) innermost = segment;
        }
    i = j + 1;
  }
  for (const Hit& h : hits)
    if (!h.marker->innermost || h.segment == innermost)
      c.add("path", "folder " + quote(h.name) + " in " + dir + "/: " + h.marker->what,
            h.marker->weight);
  for (const std::string& w : env_words(m, file))
    for (const auto& marker : m.path_markers)
      if (contains(marker.words, w))
        c.add("file_name", "file name " + file + ": " + marker.what, marker.weight);
  for (const auto& marker : m.path_globs)
    for (const std::string& g : marker.globs)
      if (path_glob_match(g, rel)) {
        c.add("path", rel + " matches " + quote(g) + ": " + marker.what, marker.weight);
        break;
      }
  for (const auto& marker : m.file_globs)
    if (any_glob(marker.globs, file))
      c.add("file_name", "file name " + file + ": " + marker.what, marker.weight);
}

}  // namespace

void path_family(const Input& in, Collector& c) {
  path_signals(in.model, in.rel, c);
  if (!in.cfg.empty())
    if (auto hit = lookup(in.cfg, &Environment::paths, in.rel, true))
      c.add("config_path",
            in.rel + " matches environment " + hit->env->name + " in " + config_name(in.cfg) +
                " (paths: " + quote(hit->pattern) + ")",
            hit->env->production ? in.model.config_production : in.model.config_non_production);
}

}  // namespace reachscan::reach::signals
