// Reading the datastore: the organisation rollup (findings across repositories) and triage.
#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "datastore/db.h"
#include "datastore/record.h"
#include "datastore/store.h"

namespace reachscan::datastore {
namespace {

bool selected(const std::vector<std::string>& list, const std::string& v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

bool place_before(const Finding& a, const Finding& b) {
  return std::tie(a.repository, a.path, a.line, a.column) <
         std::tie(b.repository, b.path, b.line, b.column);
}

ReachVerdict verdict_of(const Finding& f) {
  return f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
}

std::map<std::string, Triage> all_triage(Connection& db) {
  std::map<std::string, Triage> out;
  auto sel = db.prepare("SELECT fingerprint, status, comment, updated_at FROM triage");
  if (!sel) return out;
  while (sel->step()) out[sel->text(0)] = {sel->text(1), sel->text(2), sel->text(3)};
  return out;
}

}  // namespace

Expected<std::vector<SecretFinding>> Store::findings(const Filter& filter) {
  const std::map<std::string, Triage> triage = all_triage(*db_);
  // Exact counts and every repository of each finding (occurrences beyond the per-repository
  // budget are counted, not stored).
  std::unordered_map<std::int64_t, std::pair<std::uint64_t, std::set<std::string>>> totals;
  {
    auto sel = db_->prepare(
        "SELECT fr.finding_id, r.name, fr.occurrences FROM finding_repos fr "
        "JOIN repositories r ON r.id = fr.repo_id");
    if (!sel) return sel.status();
    while (sel->step()) {
      auto& [count, repos] = totals[sel->integer(0)];
      repos.insert(sel->text(1));
      if (selected(filter.repositories, sel->text(1)))
        count += static_cast<std::uint64_t>(sel->integer(2));
    }
    if (!sel->status().ok()) return sel->status();
  }
  auto sel = db_->prepare(
      "SELECT f.id, f.fingerprint, f.rule_id, r.name, o.record FROM occurrences o "
      "JOIN findings f ON f.id = o.finding_id JOIN repositories r ON r.id = o.repo_id "
      "ORDER BY f.id, o.reach DESC, r.name, o.path, o.line, o.col");
  if (!sel) return sel.status();
  std::vector<SecretFinding> out;
  std::int64_t current = -1;
  bool skip_current = false;
  while (sel->step()) {
    const std::int64_t id = sel->integer(0);
    const std::string repo = sel->text(3);
    if (id != current) {
      current = id;
      const std::string fp = sel->text(1);
      const auto t = triage.find(fp);
      const std::string status = t == triage.end() ? "open" : t->second.status;
      skip_current = !selected(filter.rules, sel->text(2)) || !selected(filter.statuses, status);
      if (!skip_current) {
        out.emplace_back();
        if (t != triage.end()) out.back().triage = t->second;
        const auto& tot = totals[id];
        out.back().count = tot.first;
        out.back().repositories.assign(tot.second.begin(), tot.second.end());
      }
    }
    if (skip_current || !selected(filter.repositories, repo)) continue;
    SecretFinding& s = out.back();
    auto f = from_record(sel->text(4));
    if (!f) return f.status();
    f->repository = repo;
    // The oldest commit across the organisation (ISO dates in UTC offsets compare as text
    // within one offset; ties keep the first row, the most severe).
    const std::string date = f->commit ? f->commit->date : std::string();
    if (!date.empty() &&
        (!s.first_seen || !s.first_seen->commit || date < s.first_seen->commit->date))
      s.first_seen = *f;
    // Rows come most severe first: the first row decides the finding.
    if (s.occurrences.empty()) s.first = *f;
    if (s.occurrences.size() < filter.kept_per_finding) s.occurrences.push_back(std::move(*f));
  }
  if (!sel->status().ok()) return sel->status();
  // A finding whose every occurrence the repository filter dropped is not shown.
  std::erase_if(out, [](const SecretFinding& s) { return s.occurrences.empty(); });
  for (SecretFinding& s : out) {
    // Where each place is: a live key in a test fixture is classified production (it works
    // there), and flagged as sitting in a non-production place.
    bool prod = false, non_prod = false;
    for (const Finding& f : s.occurrences) {
      const std::vector<std::string> none;
      const std::vector<std::string>& flags = f.reach ? f.reach->flags : none;
      auto flagged = [&](const char* name) {
        return std::find(flags.begin(), flags.end(), name) != flags.end();
      };
      const bool live_in_test = flagged("live_secret_in_non_production");
      prod |= verdict_of(f) == ReachVerdict::kProduction && !live_in_test;
      non_prod |= verdict_of(f) == ReachVerdict::kNonProduction || live_in_test;
      if (flagged("reused_across_environments")) prod = non_prod = true;
    }
    s.reused_across_environments = prod && non_prod;
    std::sort(s.occurrences.begin(), s.occurrences.end(), place_before);
  }
  std::sort(out.begin(), out.end(), [](const SecretFinding& a, const SecretFinding& b) {
    return std::tie(a.first.repository, a.first.path, a.first.line, a.first.column,
                    a.first.rule_id) < std::tie(b.first.repository, b.first.path, b.first.line,
                                                b.first.column, b.first.rule_id);
  });
  return out;
}

Status Store::set_triage(const std::string& fingerprint, const Triage& t) {
  if (!valid_triage_status(t.status))
    return Status::error("triage status '" + t.status +
                         "': expected accepted, rejected or false_positive");
  auto known = db_->prepare("SELECT 1 FROM findings WHERE fingerprint = ?1");
  if (!known) return known.status();
  known->bind(1, fingerprint);
  if (!known->step())
    return Status::error("no finding with fingerprint " + fingerprint + " in this datastore");
  auto up = db_->prepare(
      "INSERT INTO triage(fingerprint, status, comment, updated_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(fingerprint) DO UPDATE SET status = excluded.status, "
      "comment = excluded.comment, updated_at = excluded.updated_at");
  if (!up) return up.status();
  return up->bind(1, fingerprint)
      .bind(2, t.status)
      .bind(3, t.comment)
      .bind(4, t.updated_at.empty() ? now_utc() : t.updated_at)
      .run();
}

Expected<std::string> Store::export_triage() {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [fp, t] : all_triage(*db_))
    out.push_back({{"fingerprint", fp},
                   {"status", t.status},
                   {"comment", t.comment},
                   {"updated_at", t.updated_at}});
  return out.dump(2) + "\n";
}

Expected<std::size_t> Store::import_triage(std::string_view text) {
  const nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
  if (in.is_discarded() || !in.is_array())
    return Status::error("triage import: expected a JSON array of {fingerprint, status, comment}");
  Transaction t(*db_);
  if (!t.status().ok()) return t.status();
  std::size_t n = 0;
  for (const nlohmann::json& e : in) {
    if (!e.is_object() || !e.contains("fingerprint") || !e["fingerprint"].is_string() ||
        !e.contains("status") || !e["status"].is_string())
      return Status::error("triage import: entry " + std::to_string(n + 1) +
                           " lacks a fingerprint or a status");
    Triage tr{e["status"].get<std::string>(), e.value("comment", ""), e.value("updated_at", "")};
    if (!valid_triage_status(tr.status))
      return Status::error("triage import: entry " + std::to_string(n + 1) + ": status '" +
                           tr.status + "' (expected accepted, rejected or false_positive)");
    auto up = db_->prepare(
        "INSERT INTO triage(fingerprint, status, comment, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(fingerprint) DO UPDATE SET status = excluded.status, "
        "comment = excluded.comment, updated_at = excluded.updated_at");
    if (!up) return up.status();
    if (Status s = up->bind(1, e["fingerprint"].get<std::string>())
                       .bind(2, tr.status)
                       .bind(3, tr.comment)
                       .bind(4, tr.updated_at.empty() ? now_utc() : tr.updated_at)
                       .run();
        !s.ok())
      return s;
    ++n;
  }
  if (Status s = t.commit(); !s.ok()) return s;
  return n;
}

}  // namespace reachscan::datastore
