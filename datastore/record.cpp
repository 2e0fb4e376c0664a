#include "datastore/record.h"

#include <nlohmann/json.hpp>

namespace reachscan::datastore {
namespace {

using json = nlohmann::json;

std::optional<VerifyStatus> verify_status(const std::string& s) {
  for (VerifyStatus v : {VerifyStatus::kNotChecked, VerifyStatus::kValidStructure,
                         VerifyStatus::kInvalidStructure, VerifyStatus::kUnverifiable})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

ReachVerdict verdict(const std::string& s) {
  for (ReachVerdict v : {ReachVerdict::kProduction, ReachVerdict::kNonProduction})
    if (s == to_string(v)) return v;
  return ReachVerdict::kUnknown;
}

json reach_record(const Reach& r) {
  json e = json::array();
  for (const Evidence& x : r.evidence) e.push_back({x.signal, x.detail, x.weight});
  return {{"v", to_string(r.verdict)}, {"c", r.confidence}, {"e", e}, {"fl", r.flags},
          {"fw", r.frameworks},        {"rel", r.related}};
}

Reach reach_from(const json& j) {
  Reach r;
  r.verdict = verdict(j.value("v", ""));
  r.confidence = j.value("c", 0.0);
  for (const json& x : j.value("e", json::array()))
    r.evidence.push_back(
        {x.at(0).get<std::string>(), x.at(1).get<std::string>(), x.at(2).get<double>()});
  r.flags = j.value("fl", std::vector<std::string>{});
  r.frameworks = j.value("fw", std::vector<std::string>{});
  r.related = j.value("rel", std::vector<std::string>{});
  return r;
}

}  // namespace

std::string to_record(const Finding& f) {
  json j = {{"rule", f.rule_id},   {"name", f.rule_name}, {"path", f.path},
            {"l", f.line},         {"c", f.column},       {"el", f.end_line},
            {"ec", f.end_column},  {"secret", f.secret},  {"match", f.match},
            {"fp", f.fingerprint}, {"ent", f.entropy},    {"conf", to_string(f.confidence)},
            {"var", f.variant},    {"tags", f.tags},      {"off", f.offset},
            {"dec", f.decoded}};
  if (!f.parts.empty()) {
    json parts = json::array();
    for (const Part& p : f.parts) parts.push_back({p.rule_id, p.line, p.column, p.value, p.secret});
    j["parts"] = std::move(parts);
  }
  if (f.commit) {
    const CommitInfo& c = *f.commit;
    j["commit"] = {{"id", c.id},          {"blob", c.blob},       {"author", c.author},
                   {"email", c.email},    {"date", c.date},       {"summary", c.summary},
                   {"refs", c.refs},      {"in_head", c.in_head}, {"head", c.head_paths},
                   {"touched", c.touched}};
  }
  if (f.verification.status != VerifyStatus::kNotChecked)
    j["verify"] = {{"s", to_string(f.verification.status)},
                   {"by", f.verification.verifier},
                   {"why", f.verification.reasons},
                   {"attr", f.verification.attributes}};
  if (f.reach) j["reach"] = reach_record(*f.reach);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<Finding> from_record(std::string_view record) {
  json j = json::parse(record, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::error("datastore: an occurrence record is not valid JSON");
  try {
    Finding f;
    f.rule_id = j.at("rule").get<std::string>();
    f.rule_name = j.value("name", "");
    f.path = j.value("path", "");
    f.line = j.value("l", std::uint64_t{0});
    f.column = j.value("c", std::uint64_t{0});
    f.end_line = j.value("el", std::uint64_t{0});
    f.end_column = j.value("ec", std::uint64_t{0});
    f.secret = j.value("secret", "");
    f.match = j.value("match", "");
    f.fingerprint = j.value("fp", "");
    f.entropy = j.value("ent", 0.0);
    f.confidence = parse_confidence(j.value("conf", "medium")).value_or(Confidence::kMedium);
    f.variant = j.value("var", "");
    f.tags = j.value("tags", std::vector<std::string>{});
    f.offset = j.value("off", std::uint64_t{0});
    f.decoded = j.value("dec", std::vector<std::string>{});
    if (j.contains("parts"))
      for (const json& p : j["parts"])
        f.parts.push_back({p.at(0).get<std::string>(), p.at(1).get<std::uint64_t>(),
                           p.at(2).get<std::uint64_t>(), p.at(3).get<std::string>(),
                           p.at(4).get<bool>()});
    if (j.contains("commit")) {
      const json& c = j["commit"];
      CommitInfo ci;
      ci.id = c.value("id", "");
      ci.blob = c.value("blob", "");
      ci.author = c.value("author", "");
      ci.email = c.value("email", "");
      ci.date = c.value("date", "");
      ci.summary = c.value("summary", "");
      ci.refs = c.value("refs", std::vector<std::string>{});
      ci.in_head = c.value("in_head", false);
      ci.head_paths = c.value("head", std::vector<std::string>{});
      ci.touched = c.value("touched", std::vector<std::string>{});
      f.commit = std::move(ci);
    }
    if (j.contains("verify")) {
      const json& v = j["verify"];
      f.verification.status = verify_status(v.value("s", "")).value_or(VerifyStatus::kNotChecked);
      f.verification.verifier = v.value("by", "");
      f.verification.reasons = v.value("why", std::vector<std::string>{});
      f.verification.attributes = v.value("attr", std::map<std::string, std::string>{});
    }
    if (j.contains("reach")) f.reach = reach_from(j["reach"]);
    return f;
  } catch (const json::exception& e) {
    return Status::error(std::string("datastore: an occurrence record is malformed: ") + e.what());
  }
}

}  // namespace reachscan::datastore
