// Escaping for human outputs (text, short, github): whatever came from the scanned data (paths,
// matched lines, commit summaries and authors, custom rule names, error messages naming files)
// is printed so that it cannot drive a terminal or forge a line of the report.
//
// Printable ASCII and valid UTF-8 pass unchanged. Everything else becomes visible text: \n, \r
// and \t as those two characters, other C0 controls and DEL as \xNN (ESC is \x1b), C1 controls
// and the Unicode bidirectional overrides and isolates ("Trojan Source") as \uNNNN, and each byte
// of invalid UTF-8 (stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF) as
// \xNN. Backslashes are kept as they are: they cannot move the cursor, and source lines are
// full of them.
//
// Machine formats (JSON, JSON Lines, SARIF) do not use this: their encoders escape already.
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace reachscan::report {

// `s` made safe to print on a terminal or in a log, as described above.
std::string escape_for_terminal(std::string_view s);

// The same, cut to at most `max_bytes` of escaped output on a character boundary, with "..."
// appended when something was cut.
std::string escape_for_terminal(std::string_view s, std::size_t max_bytes);

}  // namespace reachscan::report
