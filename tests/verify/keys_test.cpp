// The verify/ stage on private keys (PEM, OpenSSH, PuTTY, PGP, written by the real tools and
// generated with OpenSSL), PyPI macaroons and connection strings.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/verify/fixtures.h"
#include "tests/verify/helpers.h"
#include "verify/verify.h"

namespace reachscan::verify {
namespace {

using namespace test_helpers;  // NOLINT(google-build-using-namespace)

// --- PEM private keys ----------------------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey make_key(const char* type) {
  if (std::string_view(type) == "RSA") {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  }
  if (std::string_view(type) == "EC") {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  }
  if (std::string_view(type) == "DSA") {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
        EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* params = nullptr;
    if (!pctx || EVP_PKEY_paramgen_init(pctx.get()) != 1 ||
        EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx.get(), 1024) != 1 ||
        EVP_PKEY_paramgen(pctx.get(), &params) != 1) {
      return nullptr;
    }
    Pkey p(params);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> kctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, p.get(), nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_keygen(kctx.get(), &key) != 1) {
      return nullptr;
    }
    return Pkey(key);
  }
  return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
}

enum class PemForm { kTraditional, kPkcs8, kPkcs8Encrypted, kTraditionalEncrypted };

std::string write_pem(EVP_PKEY* key, PemForm form) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  static const std::string kPass = "throwaway-pass";
  auto* pass = reinterpret_cast<unsigned char*>(const_cast<char*>(kPass.data()));
  const int len = static_cast<int>(kPass.size());
  int ok = 0;
  switch (form) {
    case PemForm::kTraditional:
      ok = PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                nullptr);
      break;
    case PemForm::kPkcs8:
      ok = PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
      break;
    case PemForm::kPkcs8Encrypted:
      ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), kPass.data(), len,
                                         nullptr, nullptr);
      break;
    case PemForm::kTraditionalEncrypted:
      ok = PEM_write_bio_PrivateKey_traditional(bio.get(), key, EVP_aes_128_cbc(), pass, len,
                                                nullptr, nullptr);
      break;
  }
  if (ok != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// Changes one base64 character in the middle of the body.
std::string corrupt_body(std::string pem) {
  const std::size_t body = pem.find('\n') + 1;
  const std::size_t end = pem.find("-----END");
  std::size_t pos = body + (end - body) / 2;
  while (pem[pos] == '\n') ++pos;
  return mutate(pem, pos);
}

TEST(PemPrivateKey, UnencryptedKeysOfEveryTypeAndForm) {
  struct Row {
    const char* type;
    PemForm form;
    std::string label;
    std::string bits;
  };
  const std::vector<Row> rows = {
      {"RSA", PemForm::kTraditional, "RSA PRIVATE KEY", "1024"},
      {"RSA", PemForm::kPkcs8, "PRIVATE KEY", "1024"},
      {"EC", PemForm::kTraditional, "EC PRIVATE KEY", "256"},
      {"EC", PemForm::kPkcs8, "PRIVATE KEY", "256"},
      {"DSA", PemForm::kTraditional, "DSA PRIVATE KEY", "1024"},
      {"ED25519", PemForm::kPkcs8, "PRIVATE KEY", "256"},
  };
  for (const Row& row : rows) {
    const Pkey key = make_key(row.type);
    ASSERT_TRUE(key) << row.type;
    const std::string pem = write_pem(key.get(), row.form);
    ASSERT_NE(pem.find("BEGIN " + row.label), std::string::npos) << pem;
    const Verification v = run("pem_private_key", pem);
    EXPECT_STATUS(v, VerifyStatus::kValidStructure);
    const std::string expected_type =
        std::string_view(row.type) == "ED25519" ? "Ed25519" : row.type;
    EXPECT_EQ(v.attributes.at("key_type"), expected_type) << pem;
    EXPECT_EQ(v.attributes.at("bits"), row.bits) << row.type;
    EXPECT_EQ(v.attributes.at("encrypted"), "false");
    EXPECT_EQ(v.attributes.at("label"), row.label);
    if (std::string_view(row.type) == "EC") {
      EXPECT_EQ(v.attributes.at("curve"), "prime256v1");
    }
    if (std::string_view(row.type) != "ED25519") {
      EXPECT_EQ(v.attributes.at("consistent"), "true");
    }
  }
}

TEST(PemPrivateKey, EncryptedKeysAreRecognisedWithoutAPassphrase) {
  const Pkey key = make_key("RSA");
  ASSERT_TRUE(key);
  const Verification pkcs8 = run("pem_private_key", write_pem(key.get(), PemForm::kPkcs8Encrypted));
  EXPECT_STATUS(pkcs8, VerifyStatus::kValidStructure);
  EXPECT_EQ(pkcs8.attributes.at("encrypted"), "true");
  EXPECT_EQ(pkcs8.attributes.at("format"), "pkcs8_encrypted");
  EXPECT_EQ(pkcs8.attributes.at("encryption_scheme"), "PBES2");
  EXPECT_EQ(pkcs8.attributes.at("kdf"), "PBKDF2");
  EXPECT_EQ(pkcs8.attributes.at("cipher"), "AES-256-CBC");

  const std::string traditional = write_pem(key.get(), PemForm::kTraditionalEncrypted);
  ASSERT_NE(traditional.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  const Verification v = run("pem_private_key", traditional);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("encrypted"), "true");
  EXPECT_EQ(v.attributes.at("cipher"), "AES-128-CBC");
  EXPECT_EQ(v.attributes.at("key_type"), "RSA");

  // A DEK-Info naming a cipher OpenSSL does not know.
  EXPECT_STATUS(run("pem_private_key", replace_all(traditional, "AES-128-CBC", "AES-999-XYZ")),
                VerifyStatus::kInvalidStructure);
}

TEST(PemPrivateKey, OneChangedCharacterIsCaught) {
  for (const char* type : {"RSA", "EC"}) {
    const Pkey key = make_key(type);
    ASSERT_TRUE(key);
    const std::string pem = write_pem(key.get(), PemForm::kTraditional);
    EXPECT_STATUS(run("pem_private_key", pem), VerifyStatus::kValidStructure);
    EXPECT_STATUS(run("pem_private_key", corrupt_body(pem)), VerifyStatus::kInvalidStructure)
        << type;
  }
}

TEST(PemPrivateKey, EscapedAndIndentedForms) {
  const Pkey key = make_key("EC");
  ASSERT_TRUE(key);
  const std::string pem = write_pem(key.get(), PemForm::kTraditional);
  // As in a JSON string: literal \n escapes, and \/ for '/'.
  const std::string json_escaped = replace_all(replace_all(pem, "/", "\\/"), "\n", "\\n");
  EXPECT_STATUS(run("pem_private_key", json_escaped), VerifyStatus::kValidStructure);
  EXPECT_STATUS(run("pem_private_key", replace_all(pem, "\n", "\\r\\n")),
                VerifyStatus::kValidStructure);
  // As in a YAML block scalar: every line indented.
  EXPECT_STATUS(run("pem_private_key", replace_all(pem, "\n", "\n    ")),
                VerifyStatus::kValidStructure);
  // CRLF line ends.
  EXPECT_STATUS(run("pem_private_key", replace_all(pem, "\n", "\r\n")),
                VerifyStatus::kValidStructure);
}

TEST(PemPrivateKey, NotAPrivateKey) {
  EXPECT_STATUS(run("pem_private_key",
                    "-----BEGIN PUBLIC "
                    "KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----"
                    "END PUBLIC KEY-----"),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(
      run("pem_private_key",
          "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----"),
      VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pem_private_key", "-----BEGIN PRIVATE KEY-----\n" + std::string(64, 'A') +
                                           "\n-----END PRIVATE KEY-----"),
                VerifyStatus::kInvalidStructure);
}

// --- OpenSSH -------------------------------------------------------------------------------

std::string openssh_body(std::string_view key) {
  const std::size_t begin = key.find('\n') + 1;
  return unb64(key.substr(begin, key.find("-----END") - begin));
}

std::string openssh_armour(std::string_view blob) {
  return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + wrap(b64(blob), 70) +
         "-----END OPENSSH PRIVATE KEY-----\n";
}

TEST(OpensshPrivateKey, KeysWrittenBySshKeygen) {
  const Verification enc = run("openssh_private_key", fixtures::kOpensshEd25519Encrypted);
  EXPECT_STATUS(enc, VerifyStatus::kValidStructure);
  EXPECT_EQ(enc.attributes.at("encrypted"), "true");
  EXPECT_EQ(enc.attributes.at("cipher"), "aes256-ctr");
  EXPECT_EQ(enc.attributes.at("kdf"), "bcrypt");
  EXPECT_EQ(enc.attributes.at("kdf_rounds"), "16");
  EXPECT_EQ(enc.attributes.at("ssh_key_type"), "ssh-ed25519");
  EXPECT_EQ(enc.attributes.at("key_type"), "Ed25519");
  EXPECT_EQ(enc.attributes.count("comment"), 0u);  // inside the encrypted part

  const Verification rsa = run("openssh_private_key", fixtures::kOpensshRsa1024);
  EXPECT_STATUS(rsa, VerifyStatus::kValidStructure);
  EXPECT_EQ(rsa.attributes.at("encrypted"), "false");
  EXPECT_EQ(rsa.attributes.at("cipher"), "none");
  EXPECT_EQ(rsa.attributes.at("key_type"), "RSA");
  EXPECT_EQ(rsa.attributes.at("bits"), "1024");
  EXPECT_EQ(rsa.attributes.at("comment"), "rsa-fixture@reachscan.invalid");

  const Verification ec = run("openssh_private_key", fixtures::kOpensshEcdsa256);
  EXPECT_STATUS(ec, VerifyStatus::kValidStructure);
  EXPECT_EQ(ec.attributes.at("key_type"), "EC");
  EXPECT_EQ(ec.attributes.at("curve"), "nistp256");
  EXPECT_EQ(ec.attributes.at("bits"), "256");

  // pem_private_key hands OpenSSH blocks over.
  EXPECT_STATUS(run("pem_private_key", fixtures::kOpensshRsa1024), VerifyStatus::kValidStructure);
}

// Offset of the first check integer in an openssh-key-v1 blob: past the magic, three header
// strings, the key count, the public keys and the private section's length.
std::size_t check_int_offset(const std::string& blob) {
  auto u32 = [&blob](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(blob[at + i]);
    return v;
  };
  std::size_t pos = 15;
  for (int i = 0; i < 3; ++i) pos += 4 + u32(pos);
  const std::uint32_t keys = u32(pos);
  pos += 4;
  for (std::uint32_t i = 0; i < keys; ++i) pos += 4 + u32(pos);
  return pos + 4;
}

TEST(OpensshPrivateKey, CorruptionIsCaught) {
  const std::string blob = openssh_body(fixtures::kOpensshRsa1024);
  ASSERT_EQ(blob.substr(0, 14), "openssh-key-v1");
  // Check integers that differ: what a wrong passphrase or a corrupted body gives.
  const std::size_t check = check_int_offset(blob);
  std::string flipped = blob;
  flipped[check] = static_cast<char>(flipped[check] ^ 0x01);
  EXPECT_STATUS(run("openssh_private_key", openssh_armour(flipped)),
                VerifyStatus::kInvalidStructure);
  // Padding that does not count 1, 2, 3, ...
  std::string padding = blob;
  padding.back() = '\x09';
  EXPECT_STATUS(run("openssh_private_key", openssh_armour(padding)),
                VerifyStatus::kInvalidStructure);
  // Truncated, wrong magic, unknown cipher.
  EXPECT_STATUS(run("openssh_private_key", openssh_armour(blob.substr(0, blob.size() - 20))),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("openssh_private_key", openssh_armour("openssh-key-v2" + blob.substr(14))),
                VerifyStatus::kInvalidStructure);
  const std::string enc = openssh_body(fixtures::kOpensshEd25519Encrypted);
  EXPECT_STATUS(
      run("openssh_private_key", openssh_armour(replace_all(enc, "aes256-ctr", "aes256-xyz"))),
      VerifyStatus::kInvalidStructure);
  // Still valid when re-armoured unchanged, and when JSON-escaped.
  EXPECT_STATUS(run("openssh_private_key", openssh_armour(blob)), VerifyStatus::kValidStructure);
  EXPECT_STATUS(
      run("openssh_private_key", replace_all(std::string(fixtures::kOpensshRsa1024), "\n", "\\n")),
      VerifyStatus::kValidStructure);
}

// --- PuTTY ---------------------------------------------------------------------------------

TEST(PuttyPrivateKey, FilesWrittenByPuttygen) {
  const Verification v3 = run("putty_private_key", fixtures::kPuttyV3Encrypted);
  EXPECT_STATUS(v3, VerifyStatus::kValidStructure);
  EXPECT_EQ(v3.attributes.at("encrypted"), "true");
  EXPECT_EQ(v3.attributes.at("ppk_version"), "3");
  EXPECT_EQ(v3.attributes.at("kdf"), "Argon2id");
  EXPECT_EQ(v3.attributes.at("key_type"), "Ed25519");

  const Verification v2 = run("putty_private_key", fixtures::kPuttyV2Encrypted);
  EXPECT_STATUS(v2, VerifyStatus::kValidStructure);
  EXPECT_EQ(v2.attributes.at("encrypted"), "true");
  EXPECT_EQ(v2.attributes.at("ppk_version"), "2");

  const Verification rsa = run("putty_private_key", fixtures::kPuttyV3Rsa1024);
  EXPECT_STATUS(rsa, VerifyStatus::kValidStructure);
  EXPECT_EQ(rsa.attributes.at("encrypted"), "false");
  EXPECT_EQ(rsa.attributes.at("mac"), "valid");
  EXPECT_EQ(rsa.attributes.at("key_type"), "RSA");
  EXPECT_EQ(rsa.attributes.at("bits"), "1024");
  EXPECT_EQ(rsa.attributes.at("comment"), "rsa-ppk");
}

TEST(PuttyPrivateKey, MacCatchesAnyChangeToAnUnencryptedFile) {
  const std::string file(fixtures::kPuttyV3Rsa1024);
  EXPECT_STATUS(run("putty_private_key", replace_all(file, "Comment: rsa-ppk", "Comment: rsa-ppl")),
                VerifyStatus::kInvalidStructure);
  const std::size_t priv = file.find("Private-Lines: 8\n") + 17;
  EXPECT_STATUS(run("putty_private_key", mutate(file, priv + 10)), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("putty_private_key", file.substr(0, file.find("Private-MAC"))),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("putty_private_key", replace_all(file, "Public-Lines: 4", "Public-Lines: 3")),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(
      run("putty_private_key", replace_all(file, "Encryption: none", "Encryption: rot13")),
      VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("putty_private_key", replace_all(file, "\n", "\\r\\n")),
                VerifyStatus::kValidStructure);
}

// --- PGP -----------------------------------------------------------------------------------

TEST(PgpPrivateKey, BlocksExportedByGpg) {
  const Verification enc = run("pgp_private_key", fixtures::kPgpEd25519Encrypted);
  EXPECT_STATUS(enc, VerifyStatus::kValidStructure);
  EXPECT_EQ(enc.attributes.at("encrypted"), "true");
  EXPECT_EQ(enc.attributes.at("key_type"), "EdDSA");
  EXPECT_EQ(enc.attributes.at("curve"), "Ed25519");
  EXPECT_EQ(enc.attributes.at("armor_checksum"), "valid");
  EXPECT_EQ(enc.attributes.at("packet_version"), "4");

  const Verification rsa = run("pgp_private_key", fixtures::kPgpRsa1024);
  EXPECT_STATUS(rsa, VerifyStatus::kValidStructure);
  EXPECT_EQ(rsa.attributes.at("encrypted"), "false");
  EXPECT_EQ(rsa.attributes.at("key_type"), "RSA");
  EXPECT_EQ(rsa.attributes.at("bits"), "1024");
}

TEST(PgpPrivateKey, Crc24AndStructure) {
  const std::string block(fixtures::kPgpEd25519Encrypted);
  const std::size_t crc_line = block.find("\n=") + 1;
  // One changed body character: the CRC-24 line no longer matches.
  EXPECT_STATUS(run("pgp_private_key", mutate(block, crc_line - 20)),
                VerifyStatus::kInvalidStructure);
  // One changed checksum character.
  EXPECT_STATUS(run("pgp_private_key", mutate(block, crc_line + 2)),
                VerifyStatus::kInvalidStructure);
  // No checksum line: allowed (RFC 9580), noted.
  const std::string no_crc =
      block.substr(0, crc_line) + block.substr(block.find('\n', crc_line) + 1);
  const Verification v = run("pgp_private_key", no_crc);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("armor_checksum"), "absent");
  // A public key block is not a private key.
  EXPECT_STATUS(run("pgp_private_key", replace_all(block, "PRIVATE KEY BLOCK", "PUBLIC KEY BLOCK")),
                VerifyStatus::kInvalidStructure);
  // JSON-escaped.
  EXPECT_STATUS(run("pgp_private_key", replace_all(block, "\n", "\\n")),
                VerifyStatus::kValidStructure);
}

TEST(PgpPrivateKey, Crc24CheckValue) {
  // CRC-24/OPENPGP's published check value: the CRC of "123456789" is 0x21CF02. An armour whose
  // body is those 9 bytes passes the checksum step (and then fails: they are not a packet); the
  // same armour with another checksum fails at the checksum step.
  const std::string crc = b64(std::string("\x21\xCF\x02", 3));
  const std::string armour = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + b64("123456789") +
                             "\n=" + crc + "\n-----END PGP PRIVATE KEY BLOCK-----";
  const Verification v = run("pgp_private_key", armour);
  EXPECT_STATUS(v, VerifyStatus::kInvalidStructure);
  EXPECT_EQ(v.attributes.at("armor_checksum"), "valid");
  const Verification wrong = run("pgp_private_key", replace_all(armour, crc, "AAAA"));
  EXPECT_STATUS(wrong, VerifyStatus::kInvalidStructure);
  EXPECT_EQ(wrong.attributes.count("armor_checksum"), 0u);
}

// --- PyPI macaroons ------------------------------------------------------------------------

std::string field(int type, std::string_view data) {
  std::string out(1, static_cast<char>(type));
  std::size_t n = data.size();
  do {
    unsigned char b = n & 0x7F;
    n >>= 7;
    if (n) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (n);
  out.append(data);
  return out;
}

std::string macaroon(std::string_view location, std::string_view caveat,
                     std::size_t signature = 32) {
  std::string m(1, '\x02');
  m += field(1, location) + field(2, "4454c2ee-968d-4bca-afc5-daa6caee0c31") + std::string(1, '\0');
  if (!caveat.empty()) m += field(2, caveat) + std::string(1, '\0');
  m += std::string(1, '\0');
  m += field(6, std::string(signature, '\x5a'));
  return "pypi-" + b64url(m);
}

TEST(PypiMacaroon, ValidTokens) {
  const std::string token = macaroon("pypi.org", R"({"permissions": "user", "version": 1})");
  ASSERT_EQ(token.substr(0, 20), "pypi-AgEIcHlwaS5vcmc");
  const Verification v = run("pypi_macaroon", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("location"), "pypi.org");
  EXPECT_EQ(v.attributes.at("identifier"), "4454c2ee-968d-4bca-afc5-daa6caee0c31");
  EXPECT_EQ(v.attributes.at("caveats"), "1");
  EXPECT_EQ(v.attributes.at("scope"), "user");
  const Verification project =
      run("pypi_macaroon", macaroon("pypi.org", R"([1,["reachscan","demo"]])"));
  EXPECT_STATUS(project, VerifyStatus::kValidStructure);
  EXPECT_EQ(project.attributes.at("scope"), "projects:reachscan,demo");
  EXPECT_STATUS(run("pypi_macaroon", macaroon("pypi.org", "")), VerifyStatus::kValidStructure);
}

TEST(PypiMacaroon, InvalidTokens) {
  const std::string good = macaroon("pypi.org", R"({"permissions": "user", "version": 1})");
  EXPECT_STATUS(run("pypi_macaroon", macaroon("evil.example", "x")),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pypi_macaroon", macaroon("pypi.org", "x", 31)),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pypi_macaroon", good.substr(0, good.size() - 5)),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pypi_macaroon", good + "AAAA"), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pypi_macaroon", "pypi-" + b64url("\x01not a macaroon")),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("pypi_macaroon", "pypi-AgEIcHlwaS5vcmc$$$"), VerifyStatus::kInvalidStructure);
}

// --- Connection strings --------------------------------------------------------------------

TEST(ConnectionString, ParsesEveryScheme) {
  struct Row {
    std::string secret;
    std::string context;
    std::string scheme, user, host, port, database;
  };
  const std::vector<Row> rows = {
      {"mMby!rbeDRoZ6l", "DATABASE_URL=postgres://webshop:mMby!rbeDRoZ6l@db.internal:5432/webshop",
       "postgresql", "webshop", "db.internal", "5432", "webshop"},
      {"tOERz5hXvlO8cJ",
       R"(engine = create_engine("postgresql+psycopg2://app_rw:tOERz5hXvlO8cJ@10.0.3.7/orders"))",
       "postgresql", "app_rw", "10.0.3.7", "", "orders"},
      {"8kgXSxA6aeQgAo", "DB_DSN=mysql://shop:8kgXSxA6aeQgAo@mysql.prod.internal:3306/catalog",
       "mysql", "shop", "mysql.prod.internal", "3306", "catalog"},
      {"l2iSS+Zg16x_Bj",
       "MONGO_URL=mongodb+srv://catalog-svc:l2iSS+Zg16x_Bj@cluster0.x7k2p.mongodb.net/"
       "catalog?retryWrites=true",
       "mongodb+srv", "catalog-svc", "cluster0.x7k2p.mongodb.net", "", "catalog"},
      {"3z1jqqSojWPNl!",
       R"(client = MongoClient("mongodb://admin:3z1jqqSojWPNl!@mongo-0:27017,mongo-1:27017/?replicaSet=rs0"))",
       "mongodb", "admin", "mongo-0", "27017", ""},
      {"ozdwy8g%qR4+Et", "REDIS_URL=rediss://default:ozdwy8g%qR4+Et@cache.prod.internal:6380/0",
       "rediss", "default", "cache.prod.internal", "6380", "0"},
      {"hml6unupw*bFU~", R"(cache = redis.from_url("redis://:hml6unupw*bFU~@redis-master:6379/1"))",
       "redis", "", "redis-master", "6379", "1"},
      {"H9shhezEVMdQQP",
       R"(conn, err := amqp.Dial("amqps://worker:H9shhezEVMdQQP@mq.prod.internal:5671/"))", "amqps",
       "worker", "mq.prod.internal", "5671", ""},
      {"7%3kdhP-UNC3EX",
       "spring.datasource.url=jdbc:postgresql://db.internal:5432/"
       "shop?user=shop&password=7%3kdhP-UNC3EX&ssl=true",
       "postgresql", "shop", "db.internal", "5432", "shop"},
      {"3+rE!8WW*4+da_",
       R"(String url = "jdbc:mysql://ledger:3+rE!8WW*4+da_@mysql-2.internal:3306/ledger";)",
       "mysql", "ledger", "mysql-2.internal", "3306", "ledger"},
      {"b0W!QmLoVzC5II",
       "jdbc:sqlserver://"
       "sql01.corp:1433;databaseName=erp;user=erp_app;password=b0W!QmLoVzC5II;encrypt=true",
       "sqlserver", "erp_app", "sql01.corp", "1433", "erp"},
      {"Gocfmm9o1*hN-P", "jdbc:oracle:thin:scott/Gocfmm9o1*hN-P@ora-prod:1521:ORCL", "oracle",
       "scott", "ora-prod", "1521", "ORCL"},
      {"Gocfmm9o1*hN-P", "url=jdbc:oracle:thin:scott/Gocfmm9o1*hN-P@//ora-prod:1521/SALES",
       "oracle", "scott", "ora-prod", "1521", "SALES"},
      {"s3cr3t-Pa55", "postgres://u%40corp:s3cr3t-Pa55@[2001:db8::1]:5432/app", "postgresql",
       "u@corp", "[2001:db8::1]", "5432", "app"},
  };
  for (const Row& row : rows) {
    const Verification v = run("connection_string", row.secret, row.context);
    EXPECT_STATUS(v, VerifyStatus::kValidStructure) << row.context;
    auto attr = [&](const char* k) { return v.attributes.count(k) ? v.attributes.at(k) : ""; };
    EXPECT_EQ(attr("scheme"), row.scheme) << row.context;
    EXPECT_EQ(attr("user"), row.user) << row.context;
    EXPECT_EQ(attr("host"), row.host) << row.context;
    EXPECT_EQ(attr("port"), row.port) << row.context;
    EXPECT_EQ(attr("database"), row.database) << row.context;
  }
  const Verification multi = run("connection_string", "3z1jqqSojWPNl!", rows[4].context);
  EXPECT_EQ(multi.attributes.at("hosts"), "mongo-0:27017,mongo-1:27017");
  EXPECT_EQ(run("connection_string", rows[1].secret, rows[1].context).attributes.at("driver"),
            "psycopg2");
  EXPECT_EQ(run("connection_string", rows[9].secret, rows[9].context).attributes.at("jdbc"),
            "true");
}

TEST(ConnectionString, SecretAloneIsEnoughWhenItIsTheUri) {
  const Verification v = run("connection_string", "redis://:pw@cache:6379/0");
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("host"), "cache");
}

TEST(ConnectionString, PicksTheUriHoldingTheSecret) {
  const Verification v =
      run("connection_string", "Second-Pw-99",
          "A=postgres://a:First-Pw-11@one:5432/a B=mysql://b:Second-Pw-99@two:3306/b");
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("host"), "two");
  EXPECT_EQ(v.attributes.at("scheme"), "mysql");
  // Inside an escaped JSON string, and at the end of a sentence.
  const Verification escaped =
      run("connection_string", "FFoB1xc*5_-6baw",
          R"("sa.create_engine(\"postgresql://an:FFoB1xc*5_-6baw@pg:5432/shop\")\n",)");
  EXPECT_STATUS(escaped, VerifyStatus::kValidStructure);
  EXPECT_EQ(escaped.attributes.at("database"), "shop");
  EXPECT_EQ(run("connection_string", "Pw-123456", "Use mysql://u:Pw-123456@db/app.")
                .attributes.at("database"),
            "app");
  EXPECT_STATUS(
      run("connection_string", "secret-9.", "jdbc:postgresql://h/db?user=u&password=secret-9."),
      VerifyStatus::kValidStructure);
}

TEST(ConnectionString, LongLineWithManySchemesStaysLinear) {
  std::string line;
  for (int i = 0; i < 150000; ++i) line += "a:b://";
  line += " postgres://u:Secret-123@h/db ";
  for (int i = 0; i < 25000; ++i) line += "x://";
  ASSERT_LE(line.size(), kMaxInputSize);
  const auto start = std::chrono::steady_clock::now();
  const Verification v = run("connection_string", "Secret-123", line);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("host"), "h");
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(ConnectionString, InvalidCases) {
  for (const std::string& ctx :
       {std::string("DATABASE_URL=postgres://app:pAss-w0rd-1@/app"),
        std::string("DATABASE_URL=postgres://app:pAss-w0rd-1@db:99999/app"),
        std::string("DATABASE_URL=postgres://app:pAss-w0rd-1@db!host:5432/app"),
        std::string("MONGO=mongodb+srv://app:pAss-w0rd-1@a.example:27017/db"),
        std::string("no uri here pAss-w0rd-1")}) {
    EXPECT_STATUS(run("connection_string", "pAss-w0rd-1", ctx), VerifyStatus::kInvalidStructure)
        << ctx;
  }
  // A password holding '/' cuts the authority short: the secret is then not where the password
  // belongs, and nothing parsed around it is recorded.
  const Verification cut =
      run("connection_string", "pa/ss-w0rd", "DB=postgres://u:pa/ss-w0rd@host/db");
  EXPECT_STATUS(cut, VerifyStatus::kInvalidStructure);
  EXPECT_EQ(cut.attributes.count("database"), 0u);
  EXPECT_EQ(cut.attributes.count("host"), 0u);
  // A URI given as the secret itself needs no password.
  EXPECT_STATUS(run("connection_string", "redis://cache:6379/0"), VerifyStatus::kValidStructure);
  // The secret is not in any URI of the context.
  EXPECT_STATUS(run("connection_string", "elsewhere", "postgres://a:b@h/d"),
                VerifyStatus::kInvalidStructure);
}

}  // namespace
}  // namespace reachscan::verify
