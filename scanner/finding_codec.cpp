#include "scanner/finding_codec.h"

#include <optional>

#include "core/byte_codec.h"

namespace reachscan {
namespace {

void encode_commit(const CommitInfo& c, ByteWriter& w) {
  for (const std::string* s : {&c.id, &c.blob, &c.author, &c.email, &c.date, &c.summary}) w.str(*s);
  w.strs(c.refs);
  w.flag(c.in_head);
  w.strs(c.head_paths);
  w.strs(c.touched);
}

CommitInfo decode_commit(ByteReader& r) {
  CommitInfo c;
  for (std::string* s : {&c.id, &c.blob, &c.author, &c.email, &c.date, &c.summary}) *s = r.str();
  c.refs = r.strs();
  c.in_head = r.flag();
  c.head_paths = r.strs();
  c.touched = r.strs();
  return c;
}

void encode_image(const ImageContext& c, ByteWriter& w) {
  for (const std::string* s : {&c.image, &c.part, &c.layer_digest}) w.str(*s);
  for (std::uint64_t v : {c.layer, c.layers, c.history_entry}) w.u64(v);
  w.str(c.instruction);
  w.str(c.path);
  w.flag(c.in_final_filesystem);
}

ImageContext decode_image(ByteReader& r) {
  ImageContext c;
  for (std::string* s : {&c.image, &c.part, &c.layer_digest}) *s = r.str();
  for (std::uint64_t* v : {&c.layer, &c.layers, &c.history_entry}) *v = r.u64();
  c.instruction = r.str();
  c.path = r.str();
  c.in_final_filesystem = r.flag();
  return c;
}

void encode_reach(const Reach& x, ByteWriter& w) {
  w.u64(static_cast<std::uint64_t>(x.verdict));
  w.f64(x.confidence);
  w.u64(x.evidence.size());
  for (const Evidence& e : x.evidence) {
    w.str(e.signal);
    w.str(e.detail);
    w.f64(e.weight);
  }
  w.strs(x.flags);
  w.strs(x.frameworks);
  w.strs(x.related);
}

Reach decode_reach(ByteReader& r) {
  Reach x;
  x.verdict = static_cast<ReachVerdict>(r.u64());
  x.confidence = r.f64();
  for (std::uint64_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    Evidence e;
    e.signal = r.str();
    e.detail = r.str();
    e.weight = r.f64();
    x.evidence.push_back(std::move(e));
  }
  x.flags = r.strs();
  x.frameworks = r.strs();
  x.related = r.strs();
  return x;
}

void encode_verification(const Verification& v, ByteWriter& w) {
  w.u64(static_cast<std::uint64_t>(v.status));
  w.str(v.verifier);
  w.strs(v.reasons);
  w.u64(v.attributes.size());
  for (const auto& [k, val] : v.attributes) {
    w.str(k);
    w.str(val);
  }
}

Verification decode_verification(ByteReader& r) {
  Verification v;
  v.status = static_cast<VerifyStatus>(r.u64());
  v.verifier = r.str();
  v.reasons = r.strs();
  for (std::uint64_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    std::string k = r.str();
    v.attributes[std::move(k)] = r.str();
  }
  return v;
}

std::size_t heap(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
std::size_t heap(const std::vector<std::string>& v) {
  std::size_t n = v.capacity() * sizeof(std::string);
  for (const std::string& s : v) n += heap(s);
  return n;
}

}  // namespace

void encode_finding(const Finding& f, std::string& out) {
  ByteWriter w(out);
  for (const std::string* s : {&f.rule_id, &f.rule_name, &f.path}) w.str(*s);
  for (std::uint64_t v : {f.line, f.column, f.end_line, f.end_column}) w.u64(v);
  for (const std::string* s : {&f.secret, &f.match, &f.fingerprint, &f.repository}) w.str(*s);
  w.f64(f.entropy);
  w.u64(static_cast<std::uint64_t>(f.confidence));
  w.str(f.variant);
  w.strs(f.tags);
  w.u64(f.offset);
  w.u64(f.parts.size());
  for (const Part& p : f.parts) {
    w.str(p.rule_id);
    w.u64(p.line);
    w.u64(p.column);
    w.str(p.value);
    w.flag(p.secret);
  }
  w.strs(f.decoded);
  w.flag(f.commit.has_value());
  if (f.commit) encode_commit(*f.commit, w);
  w.flag(f.image.has_value());
  if (f.image) encode_image(*f.image, w);
  w.strs(f.allow_commits);
  encode_verification(f.verification, w);
  w.flag(f.reach.has_value());
  if (f.reach) encode_reach(*f.reach, w);
}

bool decode_finding(std::string_view bytes, Finding& f) {
  ByteReader r(bytes);
  f = Finding();
  for (std::string* s : {&f.rule_id, &f.rule_name, &f.path}) *s = r.str();
  for (std::uint64_t* v : {&f.line, &f.column, &f.end_line, &f.end_column}) *v = r.u64();
  for (std::string* s : {&f.secret, &f.match, &f.fingerprint, &f.repository}) *s = r.str();
  f.entropy = r.f64();
  f.confidence = static_cast<Confidence>(r.u64());
  f.variant = r.str();
  f.tags = r.strs();
  f.offset = r.u64();
  for (std::uint64_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    Part p;
    p.rule_id = r.str();
    p.line = r.u64();
    p.column = r.u64();
    p.value = r.str();
    p.secret = r.flag();
    f.parts.push_back(std::move(p));
  }
  f.decoded = r.strs();
  if (r.flag()) f.commit = decode_commit(r);
  if (r.flag()) f.image = decode_image(r);
  f.allow_commits = r.strs();
  f.verification = decode_verification(r);
  if (r.flag()) f.reach = decode_reach(r);
  return r.done();
}

std::size_t approx_bytes(const Finding& f) {
  std::size_t n = sizeof(Finding);
  for (const std::string* s : {&f.rule_id, &f.rule_name, &f.path, &f.secret, &f.match,
                               &f.fingerprint, &f.repository, &f.variant})
    n += heap(*s);
  n += heap(f.tags) + heap(f.decoded) + heap(f.allow_commits);
  n += f.parts.capacity() * sizeof(Part);
  for (const Part& p : f.parts) n += heap(p.rule_id) + heap(p.value);
  if (f.commit) {
    const CommitInfo& c = *f.commit;
    for (const std::string* s : {&c.id, &c.blob, &c.author, &c.email, &c.date, &c.summary})
      n += heap(*s);
    n += heap(c.refs) + heap(c.head_paths) + heap(c.touched);
  }
  if (f.image) n += heap(f.image->image) + heap(f.image->instruction) + heap(f.image->path) + 64;
  const Verification& v = f.verification;
  n += heap(v.verifier) + heap(v.reasons);
  for (const auto& [k, val] : v.attributes) n += 64 + heap(k) + heap(val);  // map node
  if (f.reach) {
    n += f.reach->evidence.capacity() * sizeof(Evidence);
    for (const Evidence& e : f.reach->evidence) n += heap(e.signal) + heap(e.detail);
    n += heap(f.reach->flags) + heap(f.reach->frameworks) + heap(f.reach->related);
  }
  return n;
}

}  // namespace reachscan
