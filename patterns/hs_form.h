// The form of a rule's pattern that Hyperscan scans for: the pattern without the context around
// its core (a leading `\b`, `(?:^|[^A-Za-z0-9])`, `^[ \t]*`, a trailing `\b` or
// `(?:[^A-Za-z0-9]|$)`).
//
// Hyperscan reports where matches end; RE2 then confirms the full pattern in a window before each
// end (patterns/matcher.cpp). Hyperscan is fast when a pattern's core holds a literal it can look
// for, and slow when a class or an anchor comes first: each such pattern runs as an automaton over
// every byte. Dropping leading elements of the pattern only adds match ends (every match of the
// pattern ends where a match of its tail ends), so no match is lost. Dropping trailing elements
// moves an end back by at most their width: the matcher moves each hit forward by that `slack`
// before confirming. The extra ends cost an RE2 confirm each and find nothing more.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace reachscan::patterns {

struct HsForm {
  std::string pattern;    // what Hyperscan compiles
  std::size_t slack = 0;  // bytes a match may end after the end Hyperscan reports
  bool relaxed = false;   // pattern differs from the rule's: hits RE2 rejects are expected
};

// The Hyperscan form of `pattern`: the pattern itself when nothing can be dropped (a top-level
// alternation, an element this parser does not know, or nothing but context). `deep` also drops
// leading groups without a literal (a value before the keyword that follows it).
HsForm hyperscan_form(std::string_view pattern, bool deep = false);

// Whether RE2's prefilter finds a literal of 3 or more bytes that every match of `pattern`
// contains. Hyperscan runs the patterns without one as automata over every byte: the slow ones.
bool has_required_literal(const std::string& pattern);

}  // namespace reachscan::patterns
