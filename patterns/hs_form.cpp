#include "patterns/hs_form.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <cctype>
#include <optional>
#include <vector>

namespace reachscan::patterns {
namespace {

// One top-level element of a pattern: an atom (a character, escape, class or group) and its
// quantifier, as written.
struct Element {
  std::string_view atom;
  std::string_view quantifier;
};

// The end of the class starting at `i` (the index after its `]`), or npos.
std::size_t class_end(std::string_view p, std::size_t i) {
  ++i;
  if (i < p.size() && p[i] == '^') ++i;
  if (i < p.size() && p[i] == ']') ++i;
  while (i < p.size() && p[i] != ']') {
    if (p[i] == '\\') {
      i += 2;
    } else if (p.compare(i, 2, "[:") == 0) {
      const std::size_t close = p.find(":]", i + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close + 2;
    } else {
      ++i;
    }
  }
  return i < p.size() ? i + 1 : std::string_view::npos;
}

// The end of the atom starting at `i`, or npos when the pattern is not understood there.
std::size_t atom_end(std::string_view p, std::size_t i) {
  if (p[i] == '\\') {
    if (i + 1 >= p.size()) return std::string_view::npos;
    if (p[i + 1] == 'x') return i + 4 <= p.size() ? i + 4 : std::string_view::npos;
    if (p[i + 1] == 'Q' || p[i + 1] == 'p' || p[i + 1] == 'P') return std::string_view::npos;
    return i + 2;
  }
  if (p[i] == '[') return class_end(p, i);
  if (p[i] != '(') return i + 1;
  int depth = 0;
  while (i < p.size()) {
    if (p[i] == '\\') {
      i += 2;
      continue;
    }
    if (p[i] == '[') {
      i = class_end(p, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (p[i] == '(') ++depth;
    if (p[i] == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

// The end of the quantifier starting at `i` (i itself when there is none).
std::size_t quantifier_end(std::string_view p, std::size_t i) {
  std::size_t j = i;
  if (j < p.size() && (p[j] == '*' || p[j] == '+' || p[j] == '?')) {
    ++j;
  } else if (j < p.size() && p[j] == '{') {
    std::size_t k = j + 1;
    while (k < p.size() && (std::isdigit(static_cast<unsigned char>(p[k])) || p[k] == ',')) ++k;
    if (k < p.size() && p[k] == '}' && k > j + 1) j = k + 1;
  }
  if (j > i && j < p.size() && p[j] == '?') ++j;  // lazy
  return j;
}

// The pattern's top-level elements from `i`; nullopt on a top-level `|` or anything not understood.
std::optional<std::vector<Element>> elements(std::string_view p, std::size_t i) {
  std::vector<Element> out;
  while (i < p.size()) {
    if (p[i] == '|' || p[i] == ')') return std::nullopt;
    const std::size_t a = atom_end(p, i);
    if (a == std::string_view::npos) return std::nullopt;
    const std::size_t q = quantifier_end(p, a);
    out.push_back({p.substr(i, a - i), p.substr(a, q - a)});
    i = q;
  }
  return out;
}

bool zero_width(std::string_view a) { return a == "^" || a == "$" || a == "\\b" || a == "\\B"; }

// A character, escape or class: one byte wide.
bool single_byte(std::string_view a) {
  if (a.empty() || zero_width(a) || a.front() == '(') return false;
  return a.front() != '\\' || (a.size() >= 2 && a[1] != 'A' && a[1] != 'z' && a[1] != 'Z');
}

// A class of bytes: `[...]`, `.`, `\d`, `\s`, `\w` and their negations (not a literal character).
bool char_class(std::string_view a) {
  if (a == ".") return true;
  if (!a.empty() && a.front() == '[') return true;
  return a.size() == 2 && a[0] == '\\' &&
         std::string_view("dDsSwW").find(a[1]) != std::string_view::npos;
}

// `(?:A|B|...)` where each alternative is a zero-width anchor or one single-byte atom, optionally
// quantified when `quantified` allows it: the context groups rules start and end with.
bool context_group(std::string_view a, bool quantified) {
  if (a.size() < 4 || a.substr(0, 3) != "(?:") return false;
  const std::string_view body = a.substr(3, a.size() - 4);
  std::size_t i = 0;
  while (i <= body.size()) {
    if (i == body.size()) return false;  // empty alternative
    const std::size_t e = atom_end(body, i);
    if (e == std::string_view::npos) return false;
    const std::string_view atom = body.substr(i, e - i);
    const std::size_t q = quantifier_end(body, e);
    if (!zero_width(atom) && !single_byte(atom)) return false;
    if (q > e && (!quantified || zero_width(atom))) return false;
    if (q == body.size()) return true;
    if (body[q] != '|') return false;
    i = q + 1;
  }
  return false;
}

// A group that holds no literal character: only classes, class escapes, groups and quantifiers
// (a value such as `([^\s"']*[0-9][^\s"']*)`). Hyperscan has nothing to look for in it.
bool class_only_group(std::string_view a) {
  if (a.empty() || a.front() != '(') return false;
  for (std::size_t i = 0; i < a.size();) {
    const char c = a[i];
    if (c == '[') {
      i = class_end(a, i);
      if (i == std::string_view::npos) return false;
    } else if (c == '\\') {
      if (i + 1 >= a.size() || !char_class(a.substr(i, 2))) return false;
      i += 2;
    } else if (c == '{') {
      const std::size_t close = a.find('}', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
    } else if (a.compare(i, 3, "(?:") == 0) {
      i += 3;
    } else if (std::string_view("()|*+?.").find(c) != std::string_view::npos) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

bool nullable(std::string_view q) {
  return !q.empty() && (q[0] == '*' || q[0] == '?' || q.substr(0, 2) == "{0");
}

// Leading elements that only narrow where a match may start; with `deep`, also groups without a
// literal.
bool leading_context(const Element& e, bool deep) {
  if (zero_width(e.atom)) return e.quantifier.empty();
  if (deep && class_only_group(e.atom)) return true;
  if (nullable(e.quantifier)) return e.atom.substr(0, 2) != "(?" || e.atom.substr(0, 3) == "(?:";
  return char_class(e.atom) || context_group(e.atom, true);
}

// The most bytes a trailing element may match, when it is context that can be dropped.
std::optional<std::size_t> trailing_width(const Element& e) {
  if (zero_width(e.atom) && e.quantifier.empty()) return 0;
  if (!(e.quantifier.empty() || e.quantifier == "?")) return std::nullopt;
  if (char_class(e.atom) || e.atom == "\\r" || context_group(e.atom, false)) return 1;
  return std::nullopt;
}

constexpr std::size_t kMaxSlack = 4;

}  // namespace

HsForm hyperscan_form(std::string_view pattern, bool deep) {
  HsForm form{std::string(pattern), 0, false};
  std::size_t start = 0;  // after a leading flag group such as (?im)
  if (pattern.substr(0, 2) == "(?" && pattern.size() > 2 && pattern[2] != ':') {
    const std::size_t close = pattern.find(')');
    if (close == std::string_view::npos) return form;
    for (std::size_t i = 2; i < close; ++i)
      if (!std::isalpha(static_cast<unsigned char>(pattern[i]))) return form;
    start = close + 1;
  }
  const auto els = elements(pattern, start);
  if (!els || els->empty()) return form;
  std::size_t first = 0;
  while (first + 1 < els->size() && leading_context((*els)[first], deep)) ++first;
  std::size_t last = els->size();
  std::size_t slack = 0;
  while (last > first + 1) {
    const auto w = trailing_width((*els)[last - 1]);
    if (!w || slack + *w > kMaxSlack) break;
    slack += *w;
    --last;
  }
  if (first == 0 && last == els->size()) return form;
  std::string out(pattern.substr(0, start));
  for (std::size_t i = first; i < last; ++i) {
    out += (*els)[i].atom;
    out += (*els)[i].quantifier;
  }
  return {out, slack, true};
}

bool has_required_literal(const std::string& pattern) {
  re2::FilteredRE2 filter(3);
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  int id = 0;
  if (filter.Add(pattern, o, &id) != RE2::NoError) return false;
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  std::vector<int> passed;
  filter.AllPotentials({}, &passed);  // with no literal seen, only unfiltered patterns pass
  return passed.empty();
}

}  // namespace reachscan::patterns
