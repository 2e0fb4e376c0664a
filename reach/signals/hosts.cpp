// Host family: the credential's own host (connection strings, the verifier's `host`) or the
// hosts near it: local, reserved documentation domains, provider sandbox/live endpoints,
// environment words in host labels, and the environments map's `hosts:`.
#include <algorithm>
#include <string>
#include <vector>

#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

struct HostSeen {
  std::string host;
  std::string where;  // "connection string, line 3"
  int depth = 0;      // structural closeness to the secret (FileView::depth_of)
  int line = -1;      // index in the FileView, -1 when not from the text
};

void host_signals(const Model& m, const ReachConfig& cfg, const std::vector<HostSeen>& hosts,
                  bool own, Collector& c, bool providers_only = false) {
  bool provider_done = false, reserved_done = false, host_done = false, config_done = false;
  for (const HostSeen& h : hosts) {
    if (!provider_done)
      for (const auto& p : m.provider_hosts)
        if (any_glob(p.globs, h.host)) {
          c.add("provider_host", h.host + " (" + h.where + "): " + p.what, p.weight);
          provider_done = true;
          break;
        }
    if (providers_only) continue;
    if (!reserved_done && any_glob(m.reserved_hosts.globs, h.host)) {
      // Only the credential's own host is a fact about it; one nearby merely hints.
      if (own)
        c.add("reserved_host", h.host + " (" + h.where + "): " + m.reserved_hosts.what,
              m.reserved_hosts.weight);
      else
        c.add("host", h.host + " (" + h.where + ") nearby: " + m.reserved_hosts.what,
              m.reserved_near_weight);
      reserved_done = true;
    }
    if (!config_done && !cfg.empty())
      if (auto hit = lookup(cfg, &Environment::hosts, h.host)) {
        c.add("config_host",
              "host " + h.host + " (" + h.where + ") matches environment " + hit->env->name +
                  " in " + config_name(cfg) + " (hosts: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
        config_done = true;
      }
    if (!host_done) {
      if (any_glob(m.local_hosts.globs, h.host)) {
        c.add("host", h.host + " (" + h.where + "): " + m.local_hosts.what, m.local_hosts.weight);
        host_done = true;
      } else if (!any_glob(m.neutral_hosts, h.host) && !any_glob(m.reserved_hosts.globs, h.host) &&
                 !std::any_of(m.provider_hosts.begin(), m.provider_hosts.end(),
                              [&](const auto& p) { return any_glob(p.globs, h.host); })) {
        // Environment words in the labels, leaving out the top-level domain (acme.dev).
        std::string labels = h.host;
        const std::size_t dot = labels.find_last_of('.');
        if (dot != std::string::npos) labels = labels.substr(0, dot);
        std::string word;
        if (const int dir = direction(m, labels, &word); dir != 0) {
          c.add("host",
                h.host + " (" + h.where + "): " + word + " names " +
                    (dir > 0 ? "a production" : "a non-production") + " environment",
                weight_for(dir, m.host_production, m.host_non_production));
          host_done = true;
        }
      }
    }
    if (own) break;  // the credential's own host is the only one that counts
  }
}

std::vector<HostSeen> own_hosts(const Finding& f, const FileView& view) {
  std::vector<HostSeen> out;
  const auto it = f.verification.attributes.find("host");
  if (it != f.verification.attributes.end() && !it->second.empty()) {
    out.push_back(
        {detail::to_lower(it->second),
         "connection string, line " + std::to_string(view.line_number(view.secret_line())), 0,
         view.secret_line()});
    return out;
  }
  const std::string_view line = view.line_text(view.secret_line());
  for (const auto& u : detail::url_hosts(line))
    if (view.secret_column() >= u.begin && view.secret_column() < u.end) {
      out.push_back(
          {u.host,
           "connection string, line " + std::to_string(view.line_number(view.secret_line())), 0,
           view.secret_line()});
      break;
    }
  return out;
}

// Hosts near the secret: URLs and host keys within near_lines, in the same document, keeping
// only the structurally closest ones (same list item, same block), nearest first.
std::vector<HostSeen> near_hosts(const Model& m, const FileView& view) {
  std::vector<HostSeen> out;
  const int s = view.secret_line();
  const int near = static_cast<int>(m.near_lines);
  std::vector<int> order = {s};
  for (int d = 1; d <= near; ++d) order.insert(order.end(), {s - d, s + d});
  for (int i : order) {
    if (i < view.document_begin() || i >= view.document_end()) continue;
    if (view.lines()[static_cast<std::size_t>(i)].blank) continue;
    const std::string where = "line " + std::to_string(view.line_number(i));
    const int depth = i == s ? 1 << 20 : view.depth_of(i);
    for (const auto& u : detail::url_hosts(view.line_text(i)))
      out.push_back({u.host, where, depth, i});
    const auto& pairs = view.pairs();  // in line order
    const auto first = std::lower_bound(pairs.begin(), pairs.end(), i,
                                        [](const Pair& p, int line) { return p.line < line; });
    for (auto it = first; it != pairs.end() && it->line == i; ++it) {
      const Pair& p = *it;
      const std::string last = p.key.substr(p.key.find_last_of('.') + 1);
      if (!std::any_of(m.host_keys.begin(), m.host_keys.end(),
                       [&](const std::string& k) { return glob_match(k, last); }))
        continue;
      if (p.value.find("://") != std::string::npos) continue;  // found as a URL already
      const std::string h = detail::host_of(p.value);
      if (!h.empty() && (h.find('.') != std::string::npos || h == "localhost"))
        out.push_back({h, where, depth, i});
    }
  }
  // Hosts in sibling blocks (the `production:` next to the secret's `test:`) are not its hosts.
  std::vector<HostSeen> kept;
  for (const HostSeen& h : out)
    if (h.line == s || view.shares_scope(h.line)) kept.push_back(h);
  std::stable_sort(kept.begin(), kept.end(),
                   [](const HostSeen& a, const HostSeen& b) { return a.depth > b.depth; });
  return kept;
}

}  // namespace

void host_family(const Input& in, Collector& c) {
  if (!in.view) return;
  std::vector<HostSeen> hosts = own_hosts(in.finding, *in.view);
  const bool own = !hosts.empty();
  if (!own) hosts = near_hosts(in.model, *in.view);
  host_signals(in.model, in.cfg, hosts, own, c);
  // Provider endpoints near the secret count even when the secret has its own host.
  if (own) host_signals(in.model, ReachConfig{}, near_hosts(in.model, *in.view), false, c, true);
}

}  // namespace reachscan::reach::signals
