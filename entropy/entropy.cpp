#include "entropy/entropy.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

namespace reachscan::entropy {

double shannon(std::string_view s) {
  if (s.empty()) return 0;
  std::array<std::uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  const double n = static_cast<double>(s.size());
  double h = 0;
  for (std::uint32_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Lower-cased markers that mean "put your secret here". Checked as substrings. Template openers
// (`${`, `{{`) are checked apart, by template_reference().
constexpr std::array<std::string_view, 14> kMarkers = {
    "example", "your_",    "your-",      "xxxx",      "****",    "changeme", "placeholder",
    "dummy",   "redacted", "replace_me", "replaceme", "insert_", "_here",    "-here"};
// "hunter2" is the proverbial example password of documentation (and of API docs such as
// registry login samples), never a value someone chose.
constexpr std::array<std::string_view, 3> kWholeWordMarkers = {"sample", "fake", "hunter2"};

bool is_word(unsigned char c) { return std::isalnum(c) != 0; }

// A marker like "fake" counts only where it stands as a word part delimited by non-letters or
// case changes; random base62 strings contain such letter runs by chance.
bool contains_word(std::string_view lower, std::string_view original, std::string_view word) {
  for (std::size_t pos = lower.find(word); pos != std::string_view::npos;
       pos = lower.find(word, pos + 1)) {
    const std::size_t end = pos + word.size();
    const bool left = pos == 0 || !is_word(static_cast<unsigned char>(original[pos - 1])) ||
                      original[pos - 1] == '_';
    const bool right = end == original.size() ||
                       !is_word(static_cast<unsigned char>(original[end])) || original[end] == '_';
    if (left && right) return true;
  }
  return false;
}

// Documented example values that are secret-shaped but published as samples: jwt.io's sample
// token is signed with its sample key, and this is that signature (it ends every copy of it,
// whatever claims are pasted in front); the Azure storage emulator's (Azurite's) well-known
// development account key; the test-mode keys printed in Stripe's API reference; the access and
// refresh tokens of RFC 6749's examples; the search-only package-search key bundled in Yarn's
// release files (`.yarn/releases/yarn-*.cjs`, committed in many repositories; yarnpkg/berry#6201).
constexpr std::array<std::string_view, 9> kDocumentedExamples = {
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_6pRNASCoBOKtIshFeQd4XMUh",
    "6fe4476ee5a1832882e326b506d14126"};

// DB_PASSWORD, API_TOKEN: the name of the variable that holds the secret, written where a value
// goes (a template, a URL in a README). Letters only, so no key with digits can look like one.
bool is_upper_snake_name(std::string_view s) {
  bool underscore = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      if (i == 0 || i + 1 == s.size() || s[i - 1] == '_') return false;
      underscore = true;
    } else if (c < 'A' || c > 'Z') {
      return false;
    }
  }
  return underscore;
}

// True when the opener at `open` (`${`, `#{` or `{{`) starts a template reference: its closing
// brace (`}` or `}}`) follows with brackets balanced in between, as in `${DB_PASSWORD}`,
// `${var.db["pw"]}` or `{{ .Values.token | quote }}`, or the value ends in names and calls after
// it (`${DB_PASS` or `#{ENV.fetch(` cut off by a rule's character class). A closing bracket that
// matches nothing before the closing brace, as in `m{{h}o)p${e]nob(...}}`, or a bracket left open
// at the end, as in a WordPress salt's `h#{D[-t>yIU`, is the text of a password, not of a template.
bool template_reference(std::string_view s, std::size_t open, bool double_brace) {
  std::string stack;
  bool plain = true;  // only name characters and spaces since the opener
  for (std::size_t i = open + 2; i < s.size(); ++i) {
    const char c = s[i];
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      std::string_view("_.:- ()[]'\",|").find(c) != std::string_view::npos);
    if (c == '(' || c == '[' || c == '{') {
      stack.push_back(c);
    } else if (c == ')' || c == ']' || c == '}') {
      if (stack.empty()) {
        if (c != '}') return false;
        return !double_brace || (i + 1 < s.size() && s[i + 1] == '}');
      }
      const char want = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (stack.back() != want) return false;
      stack.pop_back();
    }
  }
  return plain;
}

std::optional<std::string_view> template_marker(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i + 1] != '{') continue;
    if ((s[i] == '$' || s[i] == '#') && template_reference(s, i, false)) return "${...}";
    if (s[i] == '{' && template_reference(s, i, true)) return "{{...}}";
  }
  return std::nullopt;
}

bool has_counting_run(std::string_view s, std::size_t run) {
  std::size_t up = 1, down = 1;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const int d = static_cast<unsigned char>(s[i]) - static_cast<unsigned char>(s[i - 1]);
    const bool alnum = std::isalnum(static_cast<unsigned char>(s[i])) != 0;
    up = (d == 1 && alnum) ? up + 1 : 1;
    down = (d == -1 && alnum) ? down + 1 : 1;
    if (up >= run || down >= run) return true;
  }
  return false;
}

// A PuTTY key file's `Comment:` header is free text its owner typed ("dummy-key", "test key"): it
// says nothing about the key material, so the marker checks skip that line.
std::string without_ppk_comment(std::string_view s) {
  std::string out(s);
  const std::size_t at = out.find("\nComment:");
  if (at == std::string::npos) return out;
  const std::size_t eol = out.find('\n', at + 1);
  out.erase(at + 1, eol == std::string::npos ? std::string::npos : eol - at);
  return out;
}

}  // namespace

std::optional<std::string_view> placeholder_reason(std::string_view secret) {
  std::string key_text;
  if (secret.starts_with("PuTTY-User-Key-File-")) {
    key_text = without_ppk_comment(secret);
    secret = key_text;
  }
  std::string lower(secret);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view m : kMarkers)
    if (lower.find(m) != std::string::npos) return m;
  for (std::string_view m : kWholeWordMarkers)
    if (contains_word(lower, secret, m)) return m;
  if (std::optional<std::string_view> t = template_marker(secret)) return t;
  // <token>, <your key here>: words between angle brackets (a random key with '<' and '>' far
  // apart and other symbols between, like a WordPress salt, is no placeholder).
  for (std::size_t lt = secret.find('<'); lt != std::string_view::npos;
       lt = secret.find('<', lt + 1)) {
    std::size_t i = lt + 1;
    while (i < secret.size() &&
           (is_word(static_cast<unsigned char>(secret[i])) || secret[i] == ' ' ||
            secret[i] == '_' || secret[i] == '-' || secret[i] == '.'))
      ++i;
    if (i > lt + 1 && i < secret.size() && secret[i] == '>') return "<...>";
  }
  for (std::string_view e : kDocumentedExamples)
    if (secret.find(e) != std::string_view::npos) return "documented example value";
  if (is_upper_snake_name(secret)) return "upper-case variable name";
  bool one_char = !secret.empty();
  for (char c : secret) one_char = one_char && c == secret.front();
  if (one_char) return "one repeated character";
  if (has_counting_run(secret, 8)) return "counting run";
  return std::nullopt;
}

namespace {

// Lower-cased prefixes of stored password hashes and digests: crypt(3) ids, LDAP schemes,
// "algo:salt:hash" (Jupyter, Werkzeug), Django's "algo$iterations$salt$hash", OCI digests.
constexpr std::array<std::string_view, 31> kHashPrefixes = {
    "$1$",     "$2a$",    "$2b$",    "$2x$",       "$2y$",    "$5$",
    "$6$",     "$7$",     "$y$",     "$apr1$",     "$argon2", "$scrypt$",
    "$pbkdf2", "$sha1$",  "{ssha",   "{sha",       "{crypt}", "{md5}",
    "{smd5}",  "{pbkdf2", "md5:",    "sha1:",      "sha256:", "sha512:",
    "argon2:", "scrypt:", "pbkdf2:", "pbkdf2_sha", "bcrypt$", "bcrypt_sha256$",
    "argon2$"};

// Key forms their providers document as public (shipped to browsers and apps): a generic rule that
// sees one under a `token` or `key` name has found no secret.
constexpr std::array<std::string_view, 6> kPublicKeyPrefixes = {
    "pk.eyJ", "pk_live_", "pk_test_", "sb_publishable_", "phc_", "NRJS-"};

// extension.0.protected_settings, repository.0.username: lower-case identifiers joined by dots,
// with a snake_case name or a numeric index among them. A password of that shape would be one
// nobody types.
bool is_attribute_path(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z' || s.back() == '.') return false;
  bool dot = false, underscore = false, index = false;
  std::size_t segment = 0;
  bool digits_only = true;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    const char c = i < s.size() ? s[i] : '.';
    if (c == '.') {
      if (i - segment == 0) return false;  // ".." or a leading dot
      if (digits_only && segment > 0) index = true;
      dot = dot || i < s.size();
      segment = i + 1;
      digits_only = true;
      continue;
    }
    if (c == '_') {
      underscore = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
    digits_only = digits_only && c >= '0' && c <= '9';
  }
  return dot && (underscore || index);
}

// A stored hash, alone or as an htpasswd-style "user:hash" line.
bool is_password_hash(std::string_view lower) {
  for (std::string_view p : kHashPrefixes)
    if (lower.starts_with(p)) return true;
  const std::size_t colon = lower.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view after = lower.substr(colon + 1);
  for (std::string_view p : kHashPrefixes)
    if (p.front() == '$' && after.starts_with(p)) return true;
  return false;
}

// `~/.ssh/deploy_ed25519`, `./certs/client.key`, `/etc/ssl/private/api.pem`: where a key is kept,
// written under a `privatekey` or `key_file` name. A base64 secret may start with `/`, so a rooted
// path counts only under a usual top-level folder and with path characters only.
bool is_file_path(std::string_view s) {
  if (s.starts_with("~/") || s.starts_with("./") || s.starts_with("../")) return true;
  static constexpr std::array<std::string_view, 10> kRoots = {
      "/etc/", "/home/", "/var/", "/usr/", "/opt/", "/run/", "/srv/", "/tmp/", "/root/", "/Users/"};
  bool rooted = false;
  for (std::string_view r : kRoots) rooted = rooted || s.starts_with(r);
  if (!rooted) return false;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '/' && c != '.' && c != '_' &&
        c != '-')
      return false;
  return true;
}

}  // namespace

std::optional<std::string_view> generic_value_reason(std::string_view value,
                                                     std::span<const std::string> keywords) {
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (is_password_hash(lower)) return "password hash or digest";
  for (std::string_view p : kPublicKeyPrefixes)
    if (value.starts_with(p)) return "public key form";
  if (is_attribute_path(value)) return "attribute path";
  if (is_file_path(value)) return "file path";
  // `abcdefg12346+FJQCK`, `123456abcXYZ`: a value that starts by counting was typed, not generated
  // (a provider's format may start so by chance; a generic rule has no format to vouch for it).
  if (has_counting_run(value.substr(0, 6), 6)) return "starts with a counting run";
  for (const std::string& k : keywords) {
    std::size_t letters = 0;
    for (char c : k) letters += std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (letters >= 5 && lower.find(k) != std::string::npos) return "spells out its own keyword";
  }
  return std::nullopt;
}

}  // namespace reachscan::entropy
