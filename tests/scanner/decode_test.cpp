#include "scanner/decode.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <set>

#include "patterns/rule_database.h"
#include "scanner/chunked_scan.h"
#include "scanner/detector.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using testing::fake_token;

std::string b64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string hex(std::string_view in) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : in) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::string out;
  unsigned x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out.push_back(static_cast<char>(x & 0xff));
  }
  return out;
}

const Detector& detector(bool decode = true, std::size_t budget = kMaxDecodedPerChunk) {
  static auto db = [] {
    patterns::DatabaseOptions o;
    o.use_cache = false;
    return patterns::RuleDatabase::build(patterns::embedded_rules().rules, o).database;
  }();
  DetectorOptions opts;
  opts.decode = decode;
  opts.max_decoded_per_chunk = budget;
  static std::map<std::pair<bool, std::size_t>, std::unique_ptr<Detector>> made;
  auto& d = made[{decode, budget}];
  if (!d) d = std::make_unique<Detector>(db, opts);
  return *d;
}

std::string stripe_key(unsigned seed) { return fake_token("sk_live_", 24, seed); }

// ---- find_encoded_runs and decode_run --------------------------------------------------------

TEST(Decode, EachEncodingRoundTrips) {
  const std::string text = "user=ci-bot password=" + fake_token("", 18, 1);
  auto one = [](std::string_view in, Encoding want) -> std::string {
    const auto runs = find_encoded_runs(in);
    for (const EncodedRun& r : runs)
      if (r.encoding == want && r.start == 0 && r.end == in.size())
        return decode_run(in.substr(r.start, r.end - r.start), r.encoding).value_or("<none>");
    return "<no run>";
  };
  EXPECT_EQ(one(b64(text), Encoding::kBase64), text);
  std::string url_safe = b64(text + "?>?>");  // holds '/' and '+' in the standard alphabet
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (url_safe.back() == '=') url_safe.pop_back();  // unpadded
  EXPECT_EQ(one(url_safe, Encoding::kBase64), text + "?>?>");
  EXPECT_EQ(one(hex(text), Encoding::kHex), text);
  EXPECT_EQ(one("postgres%3A%2F%2Fapp%3Apw%40db", Encoding::kUrl), "postgres://app:pw@db");
}

TEST(Decode, MultiLineTextDecodes) {
  // Starts with a newline and holds tabs: still text.
  const std::string text = "\n[default]\n\tregion = eu-west-1\n\toutput = json\n";
  EXPECT_EQ(decode_run(b64(text), Encoding::kBase64).value_or("<none>"), text);
}

TEST(Decode, RunPositionsAndPaddingInLongerText) {
  const std::string payload = b64("deploy:" + fake_token("", 14, 2));
  const std::string text = std::string(70, ' ') + "Authorization: Basic " + payload + "\n";
  const auto runs = find_encoded_runs(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].encoding, Encoding::kBase64);
  EXPECT_EQ(runs[0].start, text.find(payload));
  EXPECT_EQ(runs[0].end, runs[0].start + payload.size());  // '=' padding included
}

TEST(Decode, EveryByteValueIsClassifiedAsBase64OrNot) {
  // The vector and scalar paths must agree with the alphabet, byte by byte: 16 + 1 + 15
  // characters are one 32-character run when the byte in the middle is base64, else only the
  // first half is long enough.
  for (int b = 0; b < 256; ++b) {
    for (std::size_t at : {3u, 30u, 70u}) {  // near the start, in the vector path, in the tail
      std::string text(96, ' ');
      const std::string run =
          "QUJDREVGR0hJSktM" + std::string(1, static_cast<char>(b)) + "TU5PUFFSU1RVVldY";
      text.replace(at, run.size() - 1, run.substr(0, run.size() - 1));
      std::size_t longest = 0;
      for (const EncodedRun& r : find_encoded_runs(text))
        if (r.encoding == Encoding::kBase64) longest = std::max(longest, r.end - r.start);
      const bool alphabet = std::isalnum(b) || b == '+' || b == '/' || b == '-' || b == '_';
      // '=' is padding (16 + 1 is no base64 length) and '.' makes the half a dotted segment.
      const std::size_t want = alphabet ? 32 : (b == '=' || b == '.') ? 0 : 16;
      EXPECT_EQ(longest, want) << "byte " << b << " at " << at;
    }
  }
}

TEST(Decode, BinaryDigestsAndImagesAreNotText) {
  EXPECT_FALSE(decode_run(b64(random_bytes(48, 1)), Encoding::kBase64));
  EXPECT_FALSE(decode_run(hex(random_bytes(32, 2)), Encoding::kHex));  // a sha256 digest
  const std::string png = "\x89PNG\r\n\x1a\n" + random_bytes(200, 3);
  EXPECT_FALSE(decode_run(b64(png), Encoding::kBase64));
  EXPECT_FALSE(decode_run("%02x%02x%02x", Encoding::kUrl));
  EXPECT_TRUE(mostly_text("plain text\n"));
  EXPECT_FALSE(mostly_text(std::string("ab\0cd", 5)));
}

TEST(Decode, JwtSegmentsAreNotRuns) {
  const std::string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
                          b64("{\"sub\":\"1234567890\"}") + "." + fake_token("", 43, 4);
  for (const EncodedRun& r : find_encoded_runs("token: " + jwt + "\n"))
    EXPECT_NE(r.encoding, Encoding::kBase64) << r.start;
}

// ---- The detector on decoded text -----------------------------------------------------------

TEST(DecodeDetect, KubernetesSecretDataDecodesToTheStripeKeyAtTheEncodedPosition) {
  const std::string key = stripe_key(5);
  const std::string text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments\ntype: Opaque\ndata:\n"
      "  STRIPE_API_KEY: " +
      b64(key) + "\n";
  const auto fs = detector().detect_all(text, "secret.yaml");
  ASSERT_EQ(fs.size(), 1u);  // the opaque kubernetes.secret.data finding yields to it
  EXPECT_EQ(fs[0].rule_id, "stripe.secret_key.live");
  EXPECT_EQ(fs[0].secret, key);
  EXPECT_EQ(fs[0].decoded, std::vector<std::string>{"base64"});
  EXPECT_EQ(fs[0].line, 7u);
  EXPECT_EQ(fs[0].column, 19u);  // where the base64 value starts
  EXPECT_EQ(fs[0].end_column, 18u + b64(key).size());
  EXPECT_NE(fs[0].match.find(key), std::string::npos);  // so redaction masks it

  // Without decoding only the opaque value is reported.
  const auto plain = detector(false).detect_all(text, "secret.yaml");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].rule_id, "kubernetes.secret.data");
}

TEST(DecodeDetect, BasicAuthHeaderReportsTheCredential) {
  const std::string cred = "deploy:" + fake_token("", 14, 6);
  const auto fs = detector().detect_all("curl -H \"Authorization: Basic " + b64(cred) + "\" x\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "http.basic_auth");
  EXPECT_EQ(fs[0].secret, cred);
  EXPECT_EQ(fs[0].column, 31u);
}

TEST(DecodeDetect, UrlEncodedConnectionStringAndHexToken) {
  const std::string pw = fake_token("", 16, 7);
  const auto fs =
      detector().detect_all("DSN=postgres%3A%2F%2Fapp%3A" + pw + "%40db.internal%2Forders\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "uri.postgres");
  EXPECT_EQ(fs[0].secret, pw);
  EXPECT_EQ(fs[0].decoded, std::vector<std::string>{"url"});
  EXPECT_EQ(fs[0].column, 5u);

  const std::string token = testing::fake_github_token(8);
  const auto hx = detector().detect_all("blob = " + hex(token) + "\n");
  ASSERT_EQ(hx.size(), 1u);
  EXPECT_EQ(hx[0].rule_id, "github.pat.classic");
  EXPECT_EQ(hx[0].secret, token);
  EXPECT_EQ(hx[0].decoded, std::vector<std::string>{"hex"});
}

TEST(DecodeDetect, NestedEncodingsStopAtDepthTwo) {
  const std::string key = stripe_key(9);
  const auto two = detector().detect_all("value: " + b64(b64(key)) + "\n");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].decoded, (std::vector<std::string>{"base64", "base64"}));
  EXPECT_EQ(two[0].column, 8u);
  EXPECT_TRUE(detector().detect_all("value: " + b64(b64(b64(key))) + "\n").empty());
}

TEST(DecodeDetect, DecodedBytesPerChunkAreBounded) {
  const std::string key = stripe_key(10);
  const std::string filler = b64(std::string(600, 'a') + " text that decodes fine");
  const std::string text = "a: " + filler + "\nb: " + b64(key) + "\n";
  EXPECT_EQ(detector().detect_all(text).size(), 1u);
  EXPECT_TRUE(detector(true, 400).detect_all(text).empty());  // spent on the filler first
  FileOutcome out;
  scan_memory(text, "big.yaml", detector(true, 400), 16u << 20, out);
  EXPECT_TRUE(out.findings.empty());
  ASSERT_EQ(out.notes.size(), 1u);  // and the summary says so
  EXPECT_NE(out.notes[0].find("big.yaml: more encoded text than is decoded"), std::string::npos);
}

TEST(DecodeDetect, PlainAndDecodedAtOnePlaceAreOneFinding) {
  // The URL run holds the plain key too: one finding, the plain one.
  const std::string key = stripe_key(11);
  const auto fs = detector().detect_all("https://api.example.com/pay?key=" + key + "&memo=a%20b\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_TRUE(fs[0].decoded.empty());
}

TEST(DecodeDetect, HardNegativesStayQuiet) {
  const std::string png = "\x89PNG\r\n\x1a\n" + random_bytes(300, 12);
  const std::string text =
      "background: url(data:image/png;base64," + b64(png) + ");\n" + "\"integrity\": \"sha512-" +
      b64(random_bytes(64, 13)) + "\",\n" +
      "golang.org/x/text v0.14.0 h1:" + b64(random_bytes(32, 14)) + "\n" +
      "sha256: " + hex(random_bytes(32, 15)) + "\n" + "id: 3f2b8c1e-9a47-4d2b-8e6f-1c5a9b7d3e21\n" +
      "token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + b64("{\"password\":\"Zq9xVb7LmP2\"}") + "." +
      fake_token("", 43, 16) + "\n";
  for (const Finding& f : detector().detect_all(text)) {
    EXPECT_TRUE(f.decoded.empty()) << f.rule_id << " " << f.secret;
    EXPECT_NE(f.rule_id, "generic.password");
  }
}

TEST(DecodeDetect, RunsAcrossChunkBoundariesAreReportedOnce) {
  // Many encoded keys over several overlapping chunks: each once, on its own line.
  std::string text;
  constexpr int kKeys = 4000;
  for (int i = 0; i < kKeys; ++i)
    text += "key_" + std::to_string(i) + ": " + b64(stripe_key(100 + i)) + "\n";
  FileOutcome out;
  scan_memory(text, "many.yaml", detector(), 1, out);  // the smallest chunk the overlap allows
  ASSERT_GT(text.size(), 8 * detector().database().max_match_length());  // more than one chunk
  ASSERT_EQ(out.findings.size(), static_cast<std::size_t>(kKeys));
  std::set<std::uint64_t> lines;
  for (const Finding& f : out.findings) {
    EXPECT_EQ(f.decoded, std::vector<std::string>{"base64"});
    lines.insert(f.line);
  }
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(kKeys));
}

}  // namespace
}  // namespace reachscan
