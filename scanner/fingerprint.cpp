#include "scanner/fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>

namespace reachscan {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string fingerprint(std::string_view rule_id, std::string_view secret) {
  std::string keyed = "reachscan-fp-v1";
  keyed.push_back('\0');
  keyed.append(rule_id);
  keyed.push_back('\0');
  keyed.append(secret);
  return std::string(rule_id) + ":" + sha256_hex(keyed).substr(0, 32);
}

std::string redact(std::string_view secret) {
  // Short secrets show nothing; long ones keep a prefix that usually names the key type.
  const std::size_t keep = secret.size() >= 16 ? 4 : 0;
  std::string out(secret.substr(0, keep));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out + "*****";
}

std::string redact_in(std::string_view text, std::string_view secret) {
  if (secret.empty()) return std::string(text);
  const std::string masked = redact(secret);
  std::string out;
  std::size_t pos = 0;
  for (std::size_t hit = text.find(secret); hit != std::string_view::npos;
       hit = text.find(secret, pos)) {
    out.append(text.substr(pos, hit - pos));
    out.append(masked);
    pos = hit + secret.size();
  }
  out.append(text.substr(pos));
  return out;
}

void order_for_masking(std::vector<std::string>& secrets) {
  // Longest first, so a secret containing another is masked whole.
  std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
}

PathSecrets secrets_by_path(const std::vector<Finding>& findings) {
  PathSecrets by_path;
  for (const Finding& f : findings) by_path[f.path].push_back(f.secret);
  for (auto& [path, secrets] : by_path) order_for_masking(secrets);
  return by_path;
}

void redact_finding(Finding& f, const PathSecrets& secrets) {
  if (auto it = secrets.find(f.path); it != secrets.end())
    for (const std::string& s : it->second) f.match = redact_in(f.match, s);
  for (Part& p : f.parts)
    if (p.secret) p.value = redact(p.value);
  f.secret = redact(f.secret);
}

void redact_findings(std::vector<Finding>& findings) {
  const PathSecrets by_path = secrets_by_path(findings);
  for (Finding& f : findings) redact_finding(f, by_path);
}

}  // namespace reachscan
