#include "scanner/detector.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "entropy/entropy.h"
#include "reach/classify.h"
#include "scanner/fingerprint.h"
#include "verify/verify.h"

namespace reachscan {
namespace {

constexpr std::size_t kAllowSearch = 4096;  // how far along a line we look for an allow marker
constexpr std::size_t kFragmentContext = 120;

bool contains_keyword(std::string_view text, const std::vector<std::string>& keywords) {
  thread_local std::string lower;
  lower.assign(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& k : keywords)
    if (lower.find(k) != std::string::npos) return true;
  return false;
}

// True when a line the match touches carries `reachscan:allow` or `gitleaks:allow`.
bool allowed_inline(std::string_view data, std::size_t start, std::size_t end) {
  std::size_t lo = start > kAllowSearch ? start - kAllowSearch : 0;
  const std::size_t nl = data.rfind('\n', start == 0 ? 0 : start - 1);
  if (nl != std::string_view::npos && nl + 1 > lo && start > 0) lo = nl + 1;
  std::size_t hi = std::min(data.size(), end + kAllowSearch);
  const std::size_t nl2 = data.find('\n', end);
  if (nl2 != std::string_view::npos && nl2 < hi) hi = nl2;
  const std::string_view line = data.substr(lo, hi - lo);
  return line.find("reachscan:allow") != std::string_view::npos ||
         line.find("gitleaks:allow") != std::string_view::npos;
}

// The line(s) holding the secret, cut to kFragmentContext bytes on either side of it.
std::string_view fragment(std::string_view data, std::size_t start, std::size_t end) {
  std::size_t lo = start > kFragmentContext ? start - kFragmentContext : 0;
  if (start > 0) {
    const std::size_t nl = data.rfind('\n', start - 1);
    if (nl != std::string_view::npos && nl + 1 > lo) lo = nl + 1;
  }
  std::size_t hi = std::min(data.size(), end + kFragmentContext);
  const std::size_t nl = data.find('\n', end);
  if (nl != std::string_view::npos && nl < hi) hi = nl;
  while (hi > end && (data[hi - 1] == '\r')) --hi;
  return data.substr(lo, hi - lo);
}

// Walks forward through a chunk counting lines, so positions cost O(distance travelled).
class LineCursor {
 public:
  explicit LineCursor(const Chunk& c) : c_(c) { reset(); }

  // Line number and absolute line-start offset of data[pos].
  std::pair<std::uint64_t, std::uint64_t> at(std::size_t pos) {
    if (pos < pos_) reset();
    const char* p = c_.data.data();
    for (std::size_t i = pos_; i < pos;) {
      const void* hit = std::memchr(p + i, '\n', pos - i);
      if (!hit) break;
      i = static_cast<std::size_t>(static_cast<const char*>(hit) - p) + 1;
      ++line_;
      line_start_ = c_.base + i;
    }
    pos_ = pos;
    return {line_, line_start_};
  }

 private:
  void reset() {
    pos_ = 0;
    line_ = c_.first_line;
    line_start_ = c_.line_start;
  }
  const Chunk& c_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t line_start_ = 0;
};

}  // namespace

Detector::Detector(std::shared_ptr<const patterns::RuleDatabase> db, DetectorOptions options)
    : matcher_(std::move(db)), options_(std::move(options)) {}

void apply_verdict(Finding& f) {
  if (f.verification.status != VerifyStatus::kInvalidStructure) return;
  if (f.confidence == Confidence::kHigh)
    f.confidence = Confidence::kMedium;
  else
    f.confidence = Confidence::kLow;
}

Status Detector::detect(const Chunk& c, const std::string& path, std::vector<Finding>& out,
                        DetectStats& stats) const {
  const auto& rules = matcher_.database().rules();
  LineCursor cursor(c);
  const std::string_view data = c.data;
  return matcher_.scan(data, [&](const patterns::Match& m) {
    if (m.end <= c.accept_from || m.end > c.accept_to) return true;
    const patterns::Rule& r = rules[m.rule];
    const std::string_view whole = data.substr(m.start, m.end - m.start);
    const std::string_view secret = data.substr(m.secret_start, m.secret_end - m.secret_start);
    if (secret.empty()) return true;
    if (!r.keywords.empty() && !contains_keyword(whole, r.keywords)) {
      ++stats.dropped_keyword;
      return true;
    }
    const double h = entropy::shannon(secret);
    if (h < r.min_entropy) {
      ++stats.dropped_entropy;
      return true;
    }
    if (entropy::placeholder_reason(secret) ||
        (r.generic() && entropy::generic_value_reason(secret, r.keywords))) {
      ++stats.dropped_placeholder;
      return true;
    }
    if (allowed_inline(data, m.start, m.end)) {
      ++stats.suppressed_inline;
      return true;
    }

    Finding f;
    f.rule_id = r.id;
    f.rule_name = r.name;
    f.path = path;
    const auto [line, line_start] = cursor.at(m.secret_start);
    f.line = line;
    f.column = c.base + m.secret_start - line_start + 1;
    const std::size_t last = m.secret_end - 1;
    const auto [end_line, end_line_start] = cursor.at(last);
    f.end_line = end_line;
    f.end_column = c.base + last - end_line_start + 1;
    f.secret.assign(secret);
    f.match.assign(fragment(data, m.secret_start, m.secret_end));
    f.fingerprint = fingerprint(r.id, secret);
    f.entropy = h;
    f.confidence = r.confidence;
    f.variant = r.variant;
    f.tags = r.tags;
    f.offset = c.base + m.secret_start;
    if (options_.verify && !r.verify.empty()) {
      f.verification = verify::verify(r.verify, r.id, f.secret, f.match);
      apply_verdict(f);
    }
    if (options_.reach) {
      reach::FileContext ctx;
      ctx.path = path;
      ctx.text = data;
      ctx.secret_offset = m.secret_start;
      ctx.root = options_.root;
      f.reach = reach::classify(f, ctx, *options_.reach);
    }
    out.push_back(std::move(f));
    return true;
  });
}

std::vector<Finding> Detector::detect_all(std::string_view data, const std::string& path) const {
  std::vector<Finding> out;
  DetectStats stats;
  Chunk c;
  c.data = data;
  (void)detect(c, path, out, stats);
  drop_shadowed_generic(out);
  return out;
}

void drop_shadowed_generic(std::vector<Finding>& findings) {
  auto generic = [](const Finding& f) { return f.rule_id.rfind("generic.", 0) == 0; };
  auto overlaps = [](const Finding& a, const Finding& b) {
    return a.offset < b.offset + b.secret.size() && b.offset < a.offset + a.secret.size();
  };
  // A generic finding yields to any specific finding on the same bytes, and to an earlier
  // generic one (two generic rules often describe one assignment).
  std::vector<bool> drop(findings.size(), false);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (!generic(findings[i])) continue;
    for (std::size_t j = 0; j < findings.size() && !drop[i]; ++j) {
      if (i == j || drop[j] || !overlaps(findings[i], findings[j])) continue;
      if (!generic(findings[j]) || j < i) drop[i] = true;
    }
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
