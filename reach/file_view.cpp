#include "reach/file_view.h"

#include <algorithm>
#include <cstring>

#include "reach/text.h"

namespace reachscan::reach::detail {
namespace {

constexpr std::size_t kMaxLineBytes = 8192;        // longer lines are not parsed (minified data)
constexpr std::size_t kMaxWindowBytes = 1u << 20;  // bytes read either side of the secret

}  // namespace

FileView::FileView(std::string_view text, std::size_t secret_offset, std::size_t context_lines,
                   bool yaml_documents, std::size_t secret_line_number)
    : text_(text) {
  secret_offset = std::min(secret_offset, text.size());
  const char* d = text.data();
  auto at = [d](const void* p) {
    return static_cast<std::size_t>(static_cast<const char*>(p) - d);
  };
  // Every search is bounded by kMaxLineBytes, so a finding costs the same on any line: a minified
  // file is one line of megabytes with many findings. A line longer than that is cut (and, like
  // any long line, left unparsed); no lines are read beyond a cut.
  constexpr std::size_t kHalf = kMaxLineBytes / 2;
  const std::size_t back = std::min(secret_offset, kHalf);
  const void* nl = back ? memrchr(d + secret_offset - back, '\n', back) : nullptr;
  const bool cut_before = !nl && back == kHalf && secret_offset > kHalf;
  const std::size_t line_begin = nl ? at(nl) + 1 : secret_offset - back;
  // Window start: context_lines lines back, at most kMaxWindowBytes.
  const std::size_t floor = secret_offset > kMaxWindowBytes ? secret_offset - kMaxWindowBytes : 0;
  std::size_t start = line_begin;
  std::size_t before = 0;
  while (!cut_before && start > floor && before < context_lines) {
    const std::size_t p = start - 1;  // the '\n' ending the previous line
    const std::size_t lo = std::max(floor, p > kMaxLineBytes ? p - kMaxLineBytes : 0);
    const void* prev = p > lo ? memrchr(d + lo, '\n', p - lo) : nullptr;
    if (!prev && lo > floor) break;  // the previous line is too long to read back over
    start = prev ? at(prev) + 1 : lo;
    ++before;
  }
  const std::size_t ceiling = std::min(text.size(), secret_offset + kMaxWindowBytes);
  std::size_t pos = start;
  std::size_t after = 0;
  int secret = -1;
  while (pos < ceiling || (pos == start && pos == text.size())) {
    const bool secret_line = pos == line_begin;
    const std::size_t span =
        secret_line && cut_before ? secret_offset - pos + kHalf : kMaxLineBytes;
    const std::size_t limit = std::min(text.size(), pos + span + 1);
    const void* eol = limit > pos ? std::memchr(d + pos, '\n', limit - pos) : nullptr;
    const bool cut = !eol && limit < text.size();  // the line goes on past what was read
    Line l;
    l.begin = pos;
    l.end = eol ? at(eol) : limit;
    l.blank = cut || (secret_line && cut_before);
    const std::size_t end = l.end;
    while (l.end > l.begin && text[l.end - 1] == '\r') --l.end;
    lines_.push_back(l);
    if (secret < 0 && secret_offset >= pos && secret_offset <= end) {
      secret = static_cast<int>(lines_.size()) - 1;
    } else if (secret >= 0 && ++after >= context_lines) {
      break;
    }
    if (!eol || end >= ceiling) break;
    pos = end + 1;
  }
  if (lines_.empty()) lines_.push_back(Line{});
  secret_ = secret < 0 ? static_cast<int>(lines_.size()) - 1 : secret;
  secret_column_ = secret_offset - lines_[static_cast<std::size_t>(secret_)].begin;
  first_line_number_ =
      secret_line_number > static_cast<std::size_t>(secret_)
          ? secret_line_number - static_cast<std::size_t>(secret_)
          : 1 + static_cast<std::size_t>(std::count(
                    text.begin(), text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));

  // Per line: indentation, comments, openers, sections, separators.
  for (Line& l : lines_) {
    std::string_view s = text.substr(l.begin, l.end - l.begin);
    if (s.size() > kMaxLineBytes) {
      l.blank = true;
      continue;
    }
    int col = 0;
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
      col += s[i] == '\t' ? 4 : 1;
      ++i;
    }
    const std::string_view content = trim(s.substr(i));
    if (yaml_documents && col == 0 && (content == "---" || content.substr(0, 4) == "--- ")) {
      l.separator = true;
      l.blank = true;
      continue;
    }
    // YAML list markers count as indentation.
    l.item = i + 1 < s.size() && s[i] == '-' && (s[i + 1] == ' ' || s[i + 1] == '\t');
    while (i + 1 < s.size() && s[i] == '-' && (s[i + 1] == ' ' || s[i + 1] == '\t')) {
      col += 2;
      i += 2;
      while (i < s.size() && s[i] == ' ') {
        ++col;
        ++i;
      }
    }
    l.indent = col;
    std::string_view c = trim(s.substr(i));
    if (c.empty() || c[0] == '#' || c.substr(0, 2) == "//" || c[0] == ';' ||
        c.substr(0, 2) == "/*" || c.substr(0, 4) == "<!--" || c == "-") {
      l.blank = true;
      continue;
    }
    // Strip a trailing " # comment" (not inside quotes; good enough for keys).
    const std::size_t hash = c.find(" #");
    if (hash != std::string_view::npos && c.find('"') == std::string_view::npos &&
        c.find('\'') == std::string_view::npos)
      c = trim(c.substr(0, hash));
    if (col == 0 && c.size() > 2 && c.front() == '[' && c.back() == ']' &&
        c.find(',') == std::string_view::npos && c.find('=') == std::string_view::npos) {
      l.section = true;
      l.opener = true;
      std::string_view name = c;
      while (!name.empty() && (name.front() == '[' || name.back() == ']')) {
        if (name.front() == '[') name.remove_prefix(1);
        if (!name.empty() && name.back() == ']') name.remove_suffix(1);
      }
      l.key = key_of(name);
      l.indent = -1;
      continue;
    }
    std::string_view k;
    if (c.back() == ':') {
      k = c.substr(0, c.size() - 1);
    } else if (c.back() == '{' || c.back() == '[') {
      k = trim(c.substr(0, c.size() - 1));
      while (!k.empty() && (k.back() == '=' || k.back() == ':' || k.back() == ' ' ||
                            k.back() == '\t' || k.back() == '\r'))
        k.remove_suffix(1);
    } else {
      for (std::string_view tail : {": |", ": >", ": |-", ": >-", ": |+", ": >+"}) {
        if (c.size() > tail.size() && c.substr(c.size() - tail.size()) == tail) {
          k = c.substr(0, c.size() - tail.size());
          break;
        }
      }
    }
    if (!k.empty() && k.size() <= 120) {
      l.opener = true;
      l.key = key_of(k);
    } else if (c.back() == '{' || c.back() == '[' || c.back() == ':') {
      l.opener = true;  // "{" alone, "- [" ...: a block without a key
    }
  }

  // Parents and block ends (indentation stack).
  std::vector<int> stack;
  const int n = static_cast<int>(lines_.size());
  for (int i = 0; i < n; ++i) {
    Line& l = lines_[static_cast<std::size_t>(i)];
    if (l.separator || l.section) {
      for (int o : stack) lines_[static_cast<std::size_t>(o)].block_end = i;
      stack.clear();
      if (l.section) {
        l.parent = -1;
        stack.push_back(i);
      }
      continue;
    }
    if (l.blank) {
      l.parent = stack.empty() ? -1 : stack.back();
      continue;
    }
    while (!stack.empty() && lines_[static_cast<std::size_t>(stack.back())].indent >= l.indent) {
      lines_[static_cast<std::size_t>(stack.back())].block_end = i;
      stack.pop_back();
    }
    l.parent = stack.empty() ? -1 : stack.back();
    if (l.opener) stack.push_back(i);
  }
  for (int o : stack) lines_[static_cast<std::size_t>(o)].block_end = n;

  // Document holding the secret.
  doc_begin_ = 0;
  doc_end_ = n;
  for (int i = secret_; i >= 0; --i)
    if (lines_[static_cast<std::size_t>(i)].separator && i != secret_) {
      doc_begin_ = i + 1;
      break;
    }
  for (int i = secret_ + 1; i < n; ++i)
    if (lines_[static_cast<std::size_t>(i)].separator) {
      doc_end_ = i;
      break;
    }

  // Ancestors of the secret line. A secret on an opener line (key: {...) belongs to it.
  for (int p = lines_[static_cast<std::size_t>(secret_)].parent; p >= 0;
       p = lines_[static_cast<std::size_t>(p)].parent)
    ancestors_.push_back(p);
  std::reverse(ancestors_.begin(), ancestors_.end());

  // The list item holding the secret or its innermost ancestor that is one: the item starts at
  // the nearest sibling line (same parent, same indentation) with a list marker, and ends at the
  // next such line or where the siblings end.
  std::vector<int> chain = {secret_};
  for (auto it = ancestors_.rbegin(); it != ancestors_.rend(); ++it) chain.push_back(*it);
  for (int e : chain) {
    const Line& le = lines_[static_cast<std::size_t>(e)];
    if (le.section) break;
    int first = -1;
    for (int k = e; k > le.parent && k >= 0; --k) {
      const Line& lk = lines_[static_cast<std::size_t>(k)];
      if (lk.blank || lk.separator) continue;
      if (lk.parent == le.parent && lk.indent == le.indent && lk.item) {
        first = k;
        break;
      }
      if (lk.indent < le.indent) break;
    }
    if (first < 0) continue;
    int end = le.parent >= 0 ? lines_[static_cast<std::size_t>(le.parent)].block_end : doc_end_;
    for (int k = e + 1; k < end; ++k) {
      const Line& lk = lines_[static_cast<std::size_t>(k)];
      if (lk.blank || lk.separator) continue;
      if (lk.indent < le.indent || (lk.item && lk.indent == le.indent && lk.parent == le.parent)) {
        end = k;
        break;
      }
    }
    item_ = {first, end};
    break;
  }

  parse_pairs();
}

std::string_view FileView::line_text(int index) const {
  const Line& l = lines_[static_cast<std::size_t>(index)];
  return text_.substr(l.begin, l.end - l.begin);
}

std::size_t FileView::line_number(int index) const {
  return first_line_number_ + static_cast<std::size_t>(index);
}

std::pair<int, int> FileView::job(const std::vector<std::string>& container_keys,
                                  bool top_level_jobs,
                                  const std::vector<std::string>& global_keys) const {
  if (!ancestors_.empty()) {
    const Line& top = lines_[static_cast<std::size_t>(ancestors_[0])];
    const bool container =
        std::find(container_keys.begin(), container_keys.end(), top.key) != container_keys.end();
    if (container && ancestors_.size() >= 2) {
      const Line& child = lines_[static_cast<std::size_t>(ancestors_[1])];
      return {ancestors_[1], child.block_end};
    }
    if (!container && top_level_jobs && !top.section &&
        std::find(global_keys.begin(), global_keys.end(), top.key) == global_keys.end())
      return {ancestors_[0], top.block_end};
  }
  return {doc_begin_, doc_end_};
}

bool FileView::shares_scope(int index) const {
  for (int p = lines_[static_cast<std::size_t>(index)].parent; p >= 0;
       p = lines_[static_cast<std::size_t>(p)].parent)
    if (std::find(ancestors_.begin(), ancestors_.end(), p) == ancestors_.end()) return false;
  if (item_.first < item_.second && (index < item_.first || index >= item_.second)) {
    const Line& it = lines_[static_cast<std::size_t>(item_.first)];
    const int lo = std::min(index, item_.first), hi = std::max(index, item_.second - 1);
    for (int k = lo; k <= hi; ++k) {
      if (k >= item_.first && k < item_.second) continue;
      const Line& lk = lines_[static_cast<std::size_t>(k)];
      if (lk.item && lk.parent == it.parent && lk.indent == it.indent) return false;
    }
  }
  return true;
}

int FileView::depth_of(int index) const {
  int d = 0;
  for (int a : ancestors_) {
    const Line& l = lines_[static_cast<std::size_t>(a)];
    if (index > a && index < l.block_end) ++d;
  }
  if (index >= item_.first && index < item_.second) ++d;
  return d;
}

void FileView::parse_pairs() {
  // A pending "- name: X" waiting for its "value: Y" (Kubernetes env lists).
  int pending_line = -1;
  std::string pending_name;
  const int n = static_cast<int>(lines_.size());
  for (int i = 0; i < n; ++i) {
    const Line& l = lines_[static_cast<std::size_t>(i)];
    if (l.blank || l.separator || l.section) continue;
    const std::string prefix =
        l.parent >= 0 && !lines_[static_cast<std::size_t>(l.parent)].key.empty()
            ? lines_[static_cast<std::size_t>(l.parent)].key + "."
            : std::string();
    const auto found = pairs_in_line(line_text(i));
    for (const auto& [raw, value] : found) {
      const std::string key = to_lower(raw);
      if (key == "value" && pending_line >= 0 &&
          lines_[static_cast<std::size_t>(pending_line)].parent == l.parent &&
          lines_[static_cast<std::size_t>(pending_line)].indent == l.indent) {
        pairs_.push_back({i, prefix + to_lower(pending_name), pending_name, value});
        pending_line = -1;
        continue;
      }
      if (key == "name") {
        pending_line = i;
        pending_name = value;
      }
      pairs_.push_back({i, key.rfind("--", 0) == 0 ? key : prefix + key, raw, value});
    }
  }
}

}  // namespace reachscan::reach::detail
