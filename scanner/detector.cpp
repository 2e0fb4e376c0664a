#include "scanner/detector.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <numeric>

#include "entropy/entropy.h"
#include "reach/classify.h"
#include "scanner/decode.h"
#include "scanner/fingerprint.h"
#include "verify/verify.h"

namespace reachscan {
namespace {

constexpr std::size_t kAllowSearch = 4096;  // how far along a line we look for an allow marker
constexpr std::size_t kFragmentContext = 120;
constexpr std::size_t kDecodeContext = 80;  // bytes of the line before an encoded run kept with it

bool contains_keyword(std::string_view text, const std::vector<std::string>& keywords) {
  thread_local std::string lower;
  lower.assign(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& k : keywords)
    if (lower.find(k) != std::string::npos) return true;
  return false;
}

// Whether `text` holds one of a rule's keywords anywhere. `known` remembers the answer per rule for
// this one buffer (its caller's, cleared for each buffer): a buffer is asked once per match.
bool keyword_anywhere(std::string_view text, std::uint32_t rule,
                      const std::vector<std::string>& keywords, std::vector<signed char>& known) {
  if (known.size() <= rule) known.resize(rule + 1, -1);  // -1 unknown, 0 no, 1 yes
  if (known[rule] < 0) known[rule] = contains_keyword(text, keywords) ? 1 : 0;
  return known[rule] == 1;
}

// Inline markers that keep a line out of the report: ours, and those of other scanners, so a
// repository annotated for one of them needs no second set of annotations.
constexpr std::string_view kAllowMarkers[] = {"reachscan:allow",          "gitleaks:allow",
                                              "pragma: allowlist secret", "trufflehog:ignore",
                                              "kingfisher:allow",         "kingfisher:ignore"};
// A marker on its own line that covers the line after it.
constexpr std::string_view kAllowNextLine = "pragma: allowlist nextline secret";
// A secret scanner's baseline stores a digest of each accepted secret under this key: the digest
// is not the secret.
constexpr std::string_view kBaselineDigestKey = "\"hashed_secret\":";

bool has_allow_marker(std::string_view line) {
  for (std::string_view m : kAllowMarkers)
    if (line.find(m) != std::string_view::npos) return true;
  return line.find(kBaselineDigestKey) != std::string_view::npos;
}

// Start of the line holding data[pos], searched back at most `limit` bytes (`pos - limit` if the
// line starts before that): every search here is bounded, so a finding costs the same on a
// minified file's megabyte-long line as on a short one.
std::size_t line_start_within(std::string_view data, std::size_t pos, std::size_t limit) {
  const std::size_t floor = pos > limit ? pos - limit : 0;
  const void* nl = pos > floor ? memrchr(data.data() + floor, '\n', pos - floor) : nullptr;
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) + 1 : floor;
}

// End of the line holding data[pos] (its '\n' or the end of data), searched at most `limit` bytes.
std::size_t line_end_within(std::string_view data, std::size_t pos, std::size_t limit) {
  const std::size_t ceiling = std::min(data.size(), std::max(pos, pos + limit));
  const void* nl = ceiling > pos ? std::memchr(data.data() + pos, '\n', ceiling - pos) : nullptr;
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) : ceiling;
}

// True when a line the match touches carries an allow marker, or the line before the match
// carries `pragma: allowlist nextline secret`.
bool allowed_inline(std::string_view data, std::size_t start, std::size_t end) {
  const std::size_t lo = line_start_within(data, start, kAllowSearch);
  const std::size_t hi = line_end_within(data, end, kAllowSearch);
  if (has_allow_marker(data.substr(lo, hi - lo))) return true;
  // The line before: from the newline ending it back at most kAllowSearch bytes.
  if (lo == 0 || data[lo - 1] != '\n') return false;
  const std::size_t prev_end = lo - 1;
  const std::size_t prev_lo = line_start_within(data, prev_end, kAllowSearch);
  return data.substr(prev_lo, prev_end - prev_lo).find(kAllowNextLine) != std::string_view::npos;
}

// The line(s) holding the secret, cut to kFragmentContext bytes on either side of it.
std::string_view fragment(std::string_view data, std::size_t start, std::size_t end) {
  const std::size_t lo = line_start_within(data, start, kFragmentContext);
  std::size_t hi = line_end_within(data, end, kFragmentContext);
  while (hi > end && (data[hi - 1] == '\r')) --hi;
  return data.substr(lo, hi - lo);
}

// The lines [start, end) touches, without the final newline, cut to kAllowSearch bytes on either
// side of the match: a minified file is one line of megabytes, and an allow list's `line` regex
// run over all of it for each of its findings would cost the square of its size.
std::string_view whole_lines(std::string_view data, std::size_t start, std::size_t end) {
  const std::size_t lo = line_start_within(data, start, kAllowSearch);
  const std::size_t hi = line_end_within(data, end > start ? end - 1 : end, kAllowSearch + 1);
  return data.substr(lo, hi - lo);
}

bool contains_stopword(std::string_view secret, const std::vector<std::string>& words) {
  if (words.empty()) return false;
  std::string lower(secret);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const std::string& w : words)
    if (lower.find(w) != std::string::npos) return true;
  return false;
}

// Applies a rule's allowlists to finding `f` (gitleaks' semantics, see patterns/README.md). True
// when one drops it; commit conditions, which only the policy can check, are left on the finding
// in `allow_commits`.
bool allowlisted(const patterns::RuleFilters& filters, Finding& f, std::string_view match,
                 std::string_view line) {
  for (const patterns::CompiledAllowlist& c : filters.allowlists) {
    const patterns::Allowlist& a = *c.spec;
    const std::string_view target = a.regex_target == "match"  ? match
                                    : a.regex_target == "line" ? line
                                                               : std::string_view(f.secret);
    const bool path_ok = c.paths && !f.path.empty() && RE2::PartialMatch(f.path, *c.paths);
    const bool regex_ok = c.regexes && !target.empty() && RE2::PartialMatch(target, *c.regexes);
    const bool stop_ok = contains_stopword(f.secret, a.stopwords);
    if (!a.all) {
      if (path_ok || regex_ok || stop_ok) return true;
    } else {
      const bool rest = (a.paths.empty() || path_ok) && (a.regexes.empty() || regex_ok) &&
                        (a.stopwords.empty() || stop_ok);
      if (!rest) continue;
      if (a.commits.empty()) return true;
    }
    f.allow_commits.insert(f.allow_commits.end(), a.commits.begin(), a.commits.end());
  }
  return false;
}

// Walks through a chunk counting lines, so positions cost O(distance travelled): one cursor for
// the starts of findings and one for their ends, and a step back stays on the line it is on or
// counts only the lines it crosses (overlapping matches go back a little; never to the chunk
// start).
class LineCursor {
 public:
  explicit LineCursor(const Chunk& c) : c_(c), begin_(start()), end_(start()) {}

  // Sets the 1-based line/column span of data[begin, end) on `f`.
  void place(Finding& f, std::size_t begin, std::size_t end) {
    move(begin_, begin);
    f.line = begin_.line;
    f.column = c_.base + begin - begin_.line_start + 1;
    move(end_, end - 1);
    f.end_line = end_.line;
    f.end_column = c_.base + end - 1 - end_.line_start + 1;
  }

 private:
  struct State {
    std::size_t pos;
    std::uint64_t line;
    std::uint64_t line_start;  // absolute offset of the start of the line holding data[pos]
  };
  State start() const { return {0, c_.first_line, c_.line_start}; }

  void move(State& s, std::size_t pos) const {
    const char* p = c_.data.data();
    if (pos >= s.pos) {
      for (std::size_t i = s.pos; i < pos;) {
        const void* hit = std::memchr(p + i, '\n', pos - i);
        if (!hit) break;
        i = static_cast<std::size_t>(static_cast<const char*>(hit) - p) + 1;
        ++s.line;
        s.line_start = c_.base + i;
      }
    } else if (c_.base + pos < s.line_start) {  // back across at least one line break
      for (std::size_t i = pos; i < s.pos;) {
        const void* hit = std::memchr(p + i, '\n', s.pos - i);
        if (!hit) break;
        i = static_cast<std::size_t>(static_cast<const char*>(hit) - p) + 1;
        --s.line;
      }
      const void* nl = pos == 0 ? nullptr : memrchr(p, '\n', pos);
      s.line_start = nl ? c_.base + static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1
                        : c_.line_start;
    }
    s.pos = pos;
  }

  const Chunk& c_;
  State begin_;
  State end_;
};

}  // namespace

Detector::Detector(std::shared_ptr<const patterns::RuleDatabase> db, DetectorOptions options)
    : matcher_(db), options_(std::move(options)), pairing_(db->rules()) {}

void apply_verdict(Finding& f) {
  if (f.verification.status != VerifyStatus::kInvalidStructure) return;
  if (f.confidence == Confidence::kHigh)
    f.confidence = Confidence::kMedium;
  else
    f.confidence = Confidence::kLow;
}

std::optional<Finding> Detector::confirm(const patterns::Match& m, std::string_view text,
                                         const std::string& path, DetectStats& stats,
                                         std::vector<signed char>& anywhere) const {
  const patterns::Rule& r = matcher_.database().rules()[m.rule];
  const std::string_view whole = text.substr(m.start, m.end - m.start);
  const std::string_view secret = text.substr(m.secret_start, m.secret_end - m.secret_start);
  if (secret.empty()) return std::nullopt;
  const patterns::RuleFilters& filters = matcher_.database().filters(m.rule);
  if (filters.path && !RE2::PartialMatch(path, *filters.path)) return std::nullopt;
  if (!r.keywords.empty() &&
      !(r.keywords_anywhere ? keyword_anywhere(text, m.rule, r.keywords, anywhere)
                            : contains_keyword(whole, r.keywords))) {
    ++stats.dropped_keyword;
    return std::nullopt;
  }
  const double h = entropy::shannon(secret);
  if (h < r.min_entropy) {
    ++stats.dropped_entropy;
    return std::nullopt;
  }
  if (entropy::placeholder_reason(secret) ||
      (r.generic() && entropy::generic_value_reason(secret, r.keywords))) {
    ++stats.dropped_placeholder;
    return std::nullopt;
  }
  Finding f;
  f.rule_id = r.id;
  f.rule_name = r.name;
  f.path = path;
  f.secret.assign(secret);
  f.fingerprint = fingerprint(r.id, secret);
  f.entropy = h;
  f.confidence = r.confidence;
  f.variant = r.variant;
  f.tags = r.tags;
  return f;
}

bool Detector::dropped_by_allowlist(const patterns::Match& m, std::string_view text,
                                    Finding& f) const {
  const patterns::RuleFilters& filters = matcher_.database().filters(m.rule);
  if (filters.allowlists.empty()) return false;
  std::string_view match = text.substr(m.start, m.end - m.start);
  while (!match.empty() && match.front() == '\n') match.remove_prefix(1);
  while (!match.empty() && match.back() == '\n') match.remove_suffix(1);
  return allowlisted(filters, f, match, whole_lines(text, m.start, m.end));
}

void Detector::complete(Finding& f, const patterns::Rule& r, std::string_view text,
                        std::size_t offset, const std::string& path) const {
  if (options_.verify && !r.verify.empty()) {
    f.verification = verify::verify(r.verify, r.id, f.secret, f.match);
    apply_verdict(f);
  }
  if (options_.reach) {
    reach::FileContext ctx;
    ctx.path = path;
    ctx.text = text;
    ctx.secret_offset = offset;
    ctx.root = options_.root;
    ctx.deployment = options_.deployment ? options_.deployment() : nullptr;
    f.reach = reach::classify(f, ctx, *options_.reach);
  }
}

Status Detector::detect(const Chunk& c, const std::string& path, std::vector<Finding>& out,
                        DetectStats& stats) const {
  const std::size_t first = out.size();
  std::vector<std::uint32_t> plain_rules;  // rule index of each finding added below
  LineCursor cursor(c);
  const std::string_view data = c.data;
  std::vector<signed char> anywhere;  // keywords_anywhere answers for this chunk
  const Status s = matcher_.scan(data, [&](const patterns::Match& m) {
    if (m.end <= c.accept_from || m.end > c.accept_to) return true;
    std::optional<Finding> f = confirm(m, data, path, stats, anywhere);
    if (!f) return true;
    if (allowed_inline(data, m.start, m.end)) {
      ++stats.suppressed_inline;
      return true;
    }
    if (dropped_by_allowlist(m, data, *f)) {
      ++stats.suppressed_allowlist;
      return true;
    }
    cursor.place(*f, m.secret_start, m.secret_end);
    f->match.assign(fragment(data, m.secret_start, m.secret_end));
    f->offset = c.base + m.secret_start;
    complete(*f, matcher_.database().rules()[m.rule], data, m.secret_start, path);
    out.push_back(std::move(*f));
    plain_rules.push_back(m.rule);
    return true;
  });
  if (!s.ok() || !options_.decode) return s;
  return detect_decoded(c, path, out, first, plain_rules, stats);
}

// Decoded text waiting for one matcher pass: each segment is the original line up to the encoded
// run (so rules that need a key name, like `Authorization: Basic`, still see it) followed by the
// decoded bytes and a newline.
struct Detector::Segment {
  std::size_t begin = 0;                   // in the buffer: where the context starts
  std::size_t text_at = 0;                 // where the decoded bytes start
  std::size_t end = 0;                     // where they end (the newline after them)
  std::size_t run_start = 0, run_end = 0;  // the outermost encoded run, in the chunk
  std::vector<std::string> chain;          // encodings, outermost first
};

Status Detector::detect_decoded(const Chunk& c, const std::string& path, std::vector<Finding>& out,
                                std::size_t first_plain,
                                const std::vector<std::uint32_t>& plain_rules,
                                DetectStats& stats) const {
  const auto& rules = matcher_.database().rules();
  const std::string_view data = c.data;
  std::size_t budget = options_.max_decoded_per_chunk;
  bool exhausted = false;
  std::string buf, next_buf;
  std::vector<Segment> segs, next_segs;

  // Decodes run `r` of `text` into `b`; false once the byte budget is spent.
  auto add = [&](std::string_view text, const EncodedRun& r, std::size_t run_start,
                 std::size_t run_end, const std::vector<std::string>& chain, std::string& b,
                 std::vector<Segment>& into) {
    std::optional<std::string> decoded =
        decode_run(text.substr(r.start, r.end - r.start), r.encoding);
    if (!decoded) return true;
    if (decoded->size() > budget) {
      exhausted = true;
      return false;
    }
    budget -= decoded->size();
    ++stats.decoded_runs;
    std::size_t from = r.start > kDecodeContext ? r.start - kDecodeContext : 0;
    if (r.start > 0) {
      const std::size_t nl = text.rfind('\n', r.start - 1);
      if (nl != std::string_view::npos && nl + 1 > from) from = nl + 1;
    }
    Segment s;
    s.begin = b.size();
    b.append(text.substr(from, r.start - from));
    s.text_at = b.size();
    b.append(*decoded);
    s.end = b.size();
    b.push_back('\n');
    s.run_start = run_start;
    s.run_end = run_end;
    s.chain = chain;
    s.chain.emplace_back(to_string(r.encoding));
    into.push_back(std::move(s));
    return true;
  };

  for (const EncodedRun& r : find_encoded_runs(data)) {
    if (r.end <= c.accept_from || r.end > c.accept_to) continue;
    if (!add(data, r, r.start, r.end, {}, buf, segs)) break;
  }

  std::vector<Finding> found;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // each found finding's run
  LineCursor cursor(c);
  for (int depth = 1; !segs.empty(); ++depth) {
    // Without the last newline: Hyperscan's `$` also matches before a final newline and RE2's
    // does not, so a trailing one would make the engines disagree.
    const std::string_view scanned(buf.data(), buf.size() - 1);
    std::vector<signed char> anywhere;  // keywords_anywhere answers for this buffer
    const Status st = matcher_.scan(scanned, [&](const patterns::Match& m) {
      auto it =
          std::upper_bound(segs.begin(), segs.end(), m.secret_start,
                           [](std::size_t pos, const Segment& seg) { return pos < seg.text_at; });
      if (it == segs.begin()) return true;  // the secret is in the context, not decoded
      const Segment& seg = *std::prev(it);
      if (m.start < seg.begin || m.secret_end > seg.end || m.end > seg.end + 1) return true;
      std::optional<Finding> f = confirm(m, buf, path, stats, anywhere);
      if (!f) return true;
      if (allowed_inline(data, seg.run_start, seg.run_end)) {
        ++stats.suppressed_inline;
        return true;
      }
      if (dropped_by_allowlist(m, buf, *f)) {
        ++stats.suppressed_allowlist;
        return true;
      }
      cursor.place(*f, seg.run_start, seg.run_end);
      const std::string_view text(buf.data() + seg.begin, seg.end - seg.begin);
      f->match.assign(fragment(text, m.secret_start - seg.begin, m.secret_end - seg.begin));
      f->offset = c.base + seg.run_start;
      f->decoded = seg.chain;
      complete(*f, matcher_.database().rules()[m.rule], data, seg.run_start, path);
      found.push_back(std::move(*f));
      spans.emplace_back(seg.run_start, seg.run_end);
      return true;
    });
    if (!st.ok()) return st;
    if (depth >= options_.max_decode_depth || exhausted) break;
    next_buf.clear();
    next_segs.clear();
    for (const Segment& seg : segs) {
      const std::string_view text(buf.data() + seg.text_at, seg.end - seg.text_at);
      for (const EncodedRun& r : find_encoded_runs(text))
        if (!add(text, r, seg.run_start, seg.run_end, seg.chain, next_buf, next_segs)) break;
      if (exhausted) break;
    }
    buf.swap(next_buf);
    segs.swap(next_segs);
  }
  if (exhausted) ++stats.decode_budget_hit;
  if (found.empty()) return Status{};

  // One finding per secret and place (see detect()). A plain finding yields only when it saw
  // nothing but the encoding: its secret lies within the run and its rule is generic or opaque.
  std::vector<bool> keep(found.size(), true);
  std::vector<bool> drop_plain(out.size(), false);
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto [rs, re] = spans[i];
    for (std::size_t j = 0; j < i && keep[i]; ++j)
      if (keep[j] && found[j].rule_id == found[i].rule_id && found[j].secret == found[i].secret &&
          spans[j].first < re && rs < spans[j].second)
        keep[i] = false;
    const bool generic = found[i].rule_id.rfind("generic.", 0) == 0;
    for (std::size_t p = first_plain; p < out.size() && keep[i]; ++p) {
      if (drop_plain[p]) continue;
      const std::uint64_t ps = out[p].offset - c.base, pe = ps + out[p].secret.size();
      if (!(ps < re && rs < pe)) continue;
      const patterns::Rule& pr = rules[plain_rules[p - first_plain]];
      const bool inside = rs <= ps && pe <= re;
      if (out[p].rule_id != found[i].rule_id && inside && !generic && (pr.generic() || pr.opaque))
        drop_plain[p] = true;  // the plain finding saw only the encoding
      else
        keep[i] = false;
    }
  }
  std::size_t k = first_plain;
  for (std::size_t p = first_plain; p < out.size(); ++p) {
    if (drop_plain[p]) continue;
    if (k != p) out[k] = std::move(out[p]);
    ++k;
  }
  out.resize(k);
  for (std::size_t i = 0; i < found.size(); ++i)
    if (keep[i]) out.push_back(std::move(found[i]));
  return Status{};
}

std::vector<Finding> Detector::detect_all(std::string_view data, const std::string& path) const {
  std::vector<Finding> out;
  DetectStats stats;
  Chunk c;
  c.data = data;
  (void)detect(c, path, out, stats);
  drop_shadowed_generic(out);
  pair_parts(out);
  return out;
}

// NOTE: named-key findings (rules tagged `named-key`) also yield to a specific rule's finding on
// the same bytes, and hide a generic one's (patterns/README.md, "How a match becomes a finding").
void drop_shadowed_generic(std::vector<Finding>& findings) {
  // Rank: generic rules (a credential word and an entropy check) < named-key rules (a provider's
  // name, a key word and a token-shaped value: tag `named-key`) < every other, specific rule.
  auto rank = [](const Finding& f) {
    if (f.rule_id.rfind("generic.", 0) == 0) return 0;
    return std::find(f.tags.begin(), f.tags.end(), "named-key") != f.tags.end() ? 1 : 2;
  };
  auto overlaps = [](const Finding& a, const Finding& b) {
    return a.offset < b.offset + b.secret.size() && b.offset < a.offset + a.secret.size();
  };
  // A generic or named finding yields to any finding of a higher rank on the same bytes, and to
  // one of its own rank (two such rules often describe one assignment) of higher confidence, or
  // of the same confidence found earlier: a weak-password finding never hides a stronger rule's.
  // Only findings that overlap are compared: by offset order, forward until one starts past the
  // end and back while one could still reach it (a minified line holds thousands of findings).
  const std::size_t n = findings.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return findings[a].offset < findings[b].offset;
  });
  std::vector<std::size_t> position(n);
  std::size_t longest = 0;
  for (std::size_t r = 0; r < n; ++r) {
    position[order[r]] = r;
    longest = std::max(longest, findings[order[r]].secret.size());
  }
  std::vector<bool> drop(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const int ri = rank(findings[i]);
    if (ri == 2) continue;
    const Finding& a = findings[i];
    auto yields_to = [&](std::size_t j) {
      if (j == i || drop[j] || !overlaps(a, findings[j])) return false;
      const int rj = rank(findings[j]);
      return rj > ri || (rj == ri && (findings[j].confidence > a.confidence ||
                                      (findings[j].confidence == a.confidence && j < i)));
    };
    for (std::size_t q = position[i] + 1;
         q < n && !drop[i] && findings[order[q]].offset < a.offset + a.secret.size(); ++q)
      drop[i] = yields_to(order[q]);
    for (std::size_t q = position[i];
         q-- > 0 && !drop[i] && findings[order[q]].offset + longest > a.offset;)
      drop[i] = yields_to(order[q]);
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (drop[i]) continue;
    if (k != i) findings[k] = std::move(findings[i]);
    ++k;
  }
  findings.resize(k);
}

}  // namespace reachscan
