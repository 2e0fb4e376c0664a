// Content classification for sources/archive.h: what the first bytes of an input are (archive,
// compiled artifact, text, other binary), which names look like archives, and member names made
// fit to print.
#include <cctype>
#include <string>
#include <string_view>

#include "sources/archive.h"
#include "sources/utf16.h"

namespace reachscan {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool has_nul(std::string_view head) { return looks_binary(head); }

}  // namespace

bool looks_like_7z(std::string_view head) {
  return starts_with(head, std::string_view("7z\xBC\xAF\x27\x1C", 6));
}

bool looks_like_archive(std::string_view h) {
  using sv = std::string_view;
  if (starts_with(h, sv("PK\x03\x04", 4)) || starts_with(h, sv("PK\x05\x06", 4)) ||
      starts_with(h, sv("PK\x07\x08", 4)))
    return true;                                       // zip family
  if (starts_with(h, sv("\x1f\x8b", 2))) return true;  // gzip
  if (starts_with(h, "BZh") && h.size() >= 10 && h.substr(4, 6) == "1AY&SY") return true;
  if (starts_with(h, sv("\xfd"
                        "7zXZ\x00",
                        6)))
    return true;                                               // xz
  if (starts_with(h, sv("\x28\xb5\x2f\xfd", 4))) return true;  // zstd
  if (starts_with(h, sv("\x04\x22\x4d\x18", 4))) return true;  // lz4
  if (looks_like_7z(h)) return true;
  if (starts_with(h, "!<arch>\n")) return true;                // ar, .deb
  if (starts_with(h, sv("\xed\xab\xee\xdb", 4))) return true;  // rpm
  if (starts_with(h, sv("Rar!\x1a\x07", 6))) return true;      // rar
  if (starts_with(h, "xar!")) return true;
  if (starts_with(h, "MSCF")) return true;                          // cab
  if (h.size() >= 262 && h.substr(257, 5) == "ustar") return true;  // tar (POSIX and GNU)
  // cpio: ASCII magic, so also require the NUL every cpio header's name carries.
  if ((starts_with(h, "070701") || starts_with(h, "070702") || starts_with(h, "070707")) &&
      has_nul(h))
    return true;
  if (starts_with(h, sv("\xc7\x71", 2)) || starts_with(h, sv("\x71\xc7", 2)))
    return has_nul(h);  // binary cpio
  return false;
}

bool looks_compiled(std::string_view h) {
  using sv = std::string_view;
  if (h.size() < 4) return false;
  if (starts_with(h,
                  "\x7f"
                  "ELF"))
    return true;
  if (starts_with(h, sv("\xfe\xed\xfa\xce", 4)) || starts_with(h, sv("\xfe\xed\xfa\xcf", 4)) ||
      starts_with(h, sv("\xce\xfa\xed\xfe", 4)) || starts_with(h, sv("\xcf\xfa\xed\xfe", 4)))
    return true;                                               // Mach-O
  if (starts_with(h, sv("\xca\xfe\xba\xbe", 4))) return true;  // .class or fat Mach-O
  if (starts_with(h, "MZ") && has_nul(h)) return true;         // PE
  if (starts_with(h, sv("\x00"
                        "asm",
                        4)))
    return true;  // WebAssembly
  // .pyc: a two-byte little-endian version number, then "\r\n".
  if (h[2] == '\r' && h[3] == '\n' && has_nul(h)) return true;
  return false;
}

ContentKind classify_content(std::string_view head) {
  if (looks_like_archive(head)) return ContentKind::kArchive;
  if (utf16_byte_order(head)) return ContentKind::kUtf16;
  if (!looks_binary(head)) return ContentKind::kText;
  if (looks_compiled(head)) return ContentKind::kCompiled;
  return ContentKind::kBinary;
}

std::string safe_member_name(std::string_view raw, bool* unsafe) {
  bool bad = !raw.empty() && (raw.front() == '/' || raw.front() == '\\');
  if (raw.size() >= 2 && raw[1] == ':' && std::isalpha(static_cast<unsigned char>(raw[0])))
    bad = true;  // C:...
  // `..` as a whole path segment, with either separator.
  for (std::size_t i = 0; i + 1 < raw.size(); ++i)
    if (raw[i] == '.' && raw[i + 1] == '.' && (i == 0 || raw[i - 1] == '/' || raw[i - 1] == '\\') &&
        (i + 2 == raw.size() || raw[i + 2] == '/' || raw[i + 2] == '\\'))
      bad = true;
  std::string out;
  out.reserve(raw.size());
  auto hex = [&](unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  };
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f || c == '!') {
        hex(c);
        bad = bad || c != '!';
      } else if (c == '\\') {
        out += "\\\\";
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF) is kept.
    std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (c >= 0xf5) len = 0;
    bool ok = len > 0 && i + len <= raw.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(raw[i + k]) & 0xc0) == 0x80;
    if (ok && len == 3) {
      const auto c1 = static_cast<unsigned char>(raw[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) ok = false;
    }
    if (ok && len == 4) {
      const auto c1 = static_cast<unsigned char>(raw[i + 1]);
      if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90)) ok = false;
    }
    if (ok) {
      out.append(raw.substr(i, len));
      i += len;
    } else {
      hex(c);
      bad = true;
      ++i;
    }
  }
  if (unsafe) *unsafe = bad;
  return out;
}

bool archive_named(std::string_view path) {
  static constexpr std::string_view kSuffixes[] = {
      ".zip",  ".jar",   ".war",  ".ear",  ".apk", ".aar", ".whl",  ".egg",  ".nupkg", ".vsix",
      ".docx", ".xlsx",  ".pptx", ".odt",  ".ods", ".tar", ".tgz",  ".gz",   ".tbz2",  ".bz2",
      ".txz",  ".xz",    ".zst",  ".tzst", ".lz4", ".7z",  ".cpio", ".a",    ".ar",    ".deb",
      ".rpm",  ".crate", ".gem",  ".ipa",  ".xpi", ".cab", ".rar",  ".epub", ".kar",   ".sar"};
  const std::size_t slash = path.find_last_of('/');
  std::string name(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view s : kSuffixes)
    if (ends_with(name, s) && name.size() > s.size()) return true;
  return false;
}

}  // namespace reachscan
