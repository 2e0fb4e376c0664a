// A light structural view of a file around a secret: lines, indentation blocks, YAML documents,
// key/value pairs. Internal to reach/.
//
// The view is deliberately format-agnostic: YAML, JSON, HCL, TOML/INI, .env, shell and most
// source files are all "lines with keys, values and indentation". It never fails; text it does
// not understand simply yields no pairs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reachscan::reach::detail {

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

}  // namespace reachscan::reach::detail
