// Text helpers of the reach stage: globs, words, hosts, and a light structural view of a file
// (lines, indentation blocks, YAML documents, key/value pairs). Internal to reach/.
//
// The view is deliberately format-agnostic: YAML, JSON, HCL, TOML/INI, .env, shell and most
// source files are all "lines with keys, values and indentation". It never fails; text it does
// not understand simply yields no pairs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan::reach::detail {

std::string to_lower(std::string_view s);

// Glob match, ASCII case-insensitive. `*` any run (in path mode, not across '/'; `**` across),
// `?` one character, `[a-z]`/`[!a-z]` classes.
bool glob_match(std::string_view pattern, std::string_view text, bool path_mode = false);

// Path glob: a pattern starting with '/' is anchored at `rel_path`'s start; any other pattern may
// match any trailing part of the path that starts at a folder boundary ('k8s/base/**' matches
// 'infra/k8s/base/x.yaml'; '*.md' matches every Markdown file).
bool path_glob_match(std::string_view pattern, std::string_view rel_path);

// Characters in a glob that are not wildcards: how specific it is.
std::size_t glob_literal_length(std::string_view pattern);

// Lower-cased words of a value, path segment or host: split on non-alphanumerics and at
// lower-to-upper case changes ("valuesProd.yaml" -> values, prod, yaml).
std::vector<std::string> words_of(std::string_view s);

// `path` with "./" segments and duplicate slashes removed; backslashes become slashes.
std::string normalize_path(std::string_view path);

// The host part of a URL or host[:port] value; empty if it does not look like a host.
std::string host_of(std::string_view url_or_host);

struct Line {
  std::size_t begin = 0;  // byte range in the text, without the line break
  std::size_t end = 0;
  int indent = 0;          // columns before the key; "- " list markers count as indentation
  bool blank = false;      // empty, a comment, or too long to read
  bool separator = false;  // YAML document separator (---)
  bool section = false;    // [section] header
  bool opener = false;     // opens a nested block (key:, key: |, ... {, [section])
  std::string key;         // the opener's key, lower-cased words joined by '.'
  int parent = -1;         // index of the enclosing opener, -1 at top level
  int block_end = 0;       // openers: index one past the last line of the block
  bool item = false;       // starts a YAML list item ("- ")
};

struct Pair {
  int line = 0;
  std::string key;      // lower-cased key path: "environment.name", "metadata.namespace"
  std::string raw_key;  // the key as written, without its enclosing key: "NODE_ENV"
  std::string value;    // unquoted value; never empty
};

class FileView {
 public:
  // Reads up to `context_lines` lines either side of the line holding `secret_offset`.
  // `yaml_documents`: split documents at "---" lines. `secret_line_number`: the finding's
  // 1-based line (0 if unknown), used to number the other lines.
  FileView(std::string_view text, std::size_t secret_offset, std::size_t context_lines,
           bool yaml_documents, std::size_t secret_line_number);

  const std::vector<Line>& lines() const { return lines_; }
  int secret_line() const { return secret_; }
  std::string_view line_text(int index) const;
  std::size_t line_number(int index) const;  // 1-based line in the file
  int document_begin() const { return doc_begin_; }
  int document_end() const { return doc_end_; }
  // Openers enclosing the secret, outermost first.
  const std::vector<int>& ancestors() const { return ancestors_; }
  // The job the secret belongs to: the child block of a container key (a GitHub Actions job, a
  // compose service); with `top_level_jobs` (GitLab CI), the top-level block unless its key is
  // one of `global_keys`; otherwise the document.
  std::pair<int, int> job(const std::vector<std::string>& container_keys, bool top_level_jobs,
                          const std::vector<std::string>& global_keys) const;
  // How many of the secret's ancestor blocks (and its list item) also contain `index`:
  // structural closeness.
  int depth_of(int index) const;
  // False when `index` sits in a block (or list item) that does not also hold the secret: a
  // sibling such as `production:` next to the secret's `test:`.
  bool shares_scope(int index) const;
  const std::vector<Pair>& pairs() const { return pairs_; }
  // Offset of the secret inside its line's text.
  std::size_t secret_column() const { return secret_column_; }

 private:
  void parse_pairs();

  std::string_view text_;
  std::vector<Line> lines_;
  std::vector<int> ancestors_;
  std::pair<int, int> item_ = {0, 0};  // the YAML list item holding the secret, if any
  std::vector<Pair> pairs_;
  int secret_ = 0;
  int doc_begin_ = 0;
  int doc_end_ = 0;
  std::size_t secret_column_ = 0;
  std::size_t first_line_number_ = 1;
};

// Key/value pairs in one line of text (without the enclosing key): KEY=value, key: value,
// "key": "value", key = "value", --flag value, --flag=value, f("KEY", "value"). Keys as written.
std::vector<std::pair<std::string, std::string>> pairs_in_line(std::string_view line);

// Hosts of URLs (scheme://[user@]host) in a line, with the byte range each URL covers.
struct UrlHost {
  std::string host;
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<UrlHost> url_hosts(std::string_view line);

// AWS ARNs in a line: (account id, EKS cluster name or empty).
std::vector<std::pair<std::string, std::string>> arns_in_line(std::string_view line);

// Decodes base64url (no padding needed); nullopt on bad input.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace reachscan::reach::detail
