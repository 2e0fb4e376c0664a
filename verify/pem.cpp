// PEM private keys (RFC 7468): PKCS#1 RSA, SEC 1 EC, OpenSSL DSA, PKCS#8 and encrypted PKCS#8,
// parsed by OpenSSL. Encrypted keys are never decrypted: OpenSSL gets a password callback that
// refuses, and the encryption parameters are read from the headers or the ASN.1 instead.
#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "codec/codec.h"
#include "verify/openssl_util.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

// NOTE: without a callback OpenSSL would prompt on the terminal for a passphrase.
int refuse_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

struct Pbe2Free {
  void operator()(PBE2PARAM* p) const { PBE2PARAM_free(p); }
};
struct SigFree {
  void operator()(X509_SIG* p) const { X509_SIG_free(p); }
};

std::string label_key_type(std::string_view label) {
  if (label == "RSA PRIVATE KEY") return "RSA";
  if (label == "EC PRIVATE KEY") return "EC";
  if (label == "DSA PRIVATE KEY") return "DSA";
  return "";
}

std::string label_format(std::string_view label) {
  if (label == "RSA PRIVATE KEY") return "pkcs1";
  if (label == "EC PRIVATE KEY") return "sec1";
  if (label == "DSA PRIVATE KEY") return "openssl_dsa";
  if (label == "PRIVATE KEY") return "pkcs8";
  if (label == "ENCRYPTED PRIVATE KEY") return "pkcs8_encrypted";
  return "other";
}

std::string key_type_name(const EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return "RSA";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_DSA:
      return "DSA";
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_ED448:
      return "Ed448";
    case EVP_PKEY_X25519:
      return "X25519";
    case EVP_PKEY_X448:
      return "X448";
    case EVP_PKEY_DH:
    case EVP_PKEY_DHX:
      return "DH";
    default:
      break;
  }
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return name != nullptr ? name : "unknown";
}

// Traditional OpenSSL encryption: "Proc-Type: 4,ENCRYPTED" and "DEK-Info: <cipher>,<iv>".
Verification traditional_encrypted(Verification v, const EVP_CIPHER* cipher, long length) {
  v.attributes["encrypted"] = "true";
  v.attributes["cipher"] = EVP_CIPHER_get0_name(cipher);
  const int block = EVP_CIPHER_get_block_size(cipher);
  if (length <= 0 || (block > 1 && length % block != 0)) {
    return fail(v, "encrypted body is not a whole number of cipher blocks");
  }
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("encrypted with " + v.attributes["cipher"] +
                      " (Proc-Type: 4,ENCRYPTED); unreadable without its passphrase");
  return v;
}

// PKCS#8 EncryptedPrivateKeyInfo: algorithm identifier plus encrypted octets.
Verification pkcs8_encrypted(Verification v, const unsigned char* der, long length) {
  v.attributes["encrypted"] = "true";
  const unsigned char* p = der;
  std::unique_ptr<X509_SIG, SigFree> sig(d2i_X509_SIG(nullptr, &p, length));
  if (!sig || p != der + length) {
    return fail(v, "body is not a PKCS#8 EncryptedPrivateKeyInfo");
  }
  const X509_ALGOR* alg = nullptr;
  const ASN1_OCTET_STRING* encrypted = nullptr;
  X509_SIG_get0(sig.get(), &alg, &encrypted);
  if (alg == nullptr || encrypted == nullptr || ASN1_STRING_length(encrypted) <= 0) {
    return fail(v, "EncryptedPrivateKeyInfo has no encrypted data");
  }
  const int scheme = OBJ_obj2nid(alg->algorithm);
  if (scheme == NID_undef) return fail(v, "unknown encryption scheme");
  v.attributes["encryption_scheme"] = OBJ_nid2sn(scheme);
  if (scheme == NID_pbes2) {
    std::unique_ptr<PBE2PARAM, Pbe2Free> pbe2(static_cast<PBE2PARAM*>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)));
    if (!pbe2 || pbe2->keyfunc == nullptr || pbe2->encryption == nullptr) {
      return fail(v, "PBES2 parameters do not parse");
    }
    const int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    const int cipher_nid = OBJ_obj2nid(pbe2->encryption->algorithm);
    if (kdf == NID_undef || cipher_nid == NID_undef) {
      return fail(v, "PBES2 names an unknown key derivation or cipher");
    }
    v.attributes["kdf"] = OBJ_nid2sn(kdf);
    v.attributes["cipher"] = OBJ_nid2sn(cipher_nid);
    if (const EVP_CIPHER* cipher = EVP_get_cipherbynid(cipher_nid)) {
      const int block = EVP_CIPHER_get_block_size(cipher);
      if (block > 1 && ASN1_STRING_length(encrypted) % block != 0) {
        return fail(v, "encrypted data is not a whole number of cipher blocks");
      }
    }
  }
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("encrypted PKCS#8 (" + v.attributes["encryption_scheme"] +
                      "); unreadable without its passphrase");
  return v;
}

Verification plain_key(Verification v, std::string_view pem) {
  v.attributes["encrypted"] = "false";
  BioPtr bio = memory_bio(pem);
  PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, nullptr)
                   : nullptr);
  if (!pkey) return fail(v, "OpenSSL cannot parse the key: corrupt body or wrong label");
  v.attributes["key_type"] = key_type_name(pkey.get());
  const int bits = EVP_PKEY_get_bits(pkey.get());
  if (bits > 0) v.attributes["bits"] = std::to_string(bits);
  char group[80];
  std::size_t group_len = 0;
  if (EVP_PKEY_get_base_id(pkey.get()) == EVP_PKEY_EC &&
      EVP_PKEY_get_group_name(pkey.get(), group, sizeof group, &group_len) == 1) {
    v.attributes["curve"] = std::string(group, group_len);
  }

  // Consistency of private and public halves. NOTE: EVP_PKEY_pairwise_check on RSA applies
  // SP 800-56B rules (e >= 65537, size limits) that valid older keys fail, so RSA is checked as
  // n == p * q directly.
  const int id = EVP_PKEY_get_base_id(pkey.get());
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    BIGNUM* n = nullptr;
    BIGNUM* p = nullptr;
    BIGNUM* q = nullptr;
    const bool have = EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                      EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, &p) == 1 &&
                      EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, &q) == 1;
    BnPtr n_owner(n), p_owner(p), q_owner(q);
    BIGNUM* r = nullptr;  // a third prime: multi-prime RSA (RFC 8017), where n != p * q
    const bool multi_prime =
        EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR3, &r) == 1;
    BnPtr r_owner(r);
    if (have && !multi_prime) {
      BnPtr product(BN_new());
      BnCtxPtr ctx(BN_CTX_new());
      if (product && ctx && BN_mul(product.get(), p, q, ctx.get()) == 1) {
        if (BN_cmp(product.get(), n) != 0) {
          return fail(v, "the RSA primes do not multiply to the modulus: the body is corrupt");
        }
        v.attributes["consistent"] = "true";
      }
    }
  } else if (id == EVP_PKEY_EC || id == EVP_PKEY_DSA) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    const int r = ctx ? EVP_PKEY_pairwise_check(ctx.get()) : -2;
    if (r == 0 || r == -1) {
      return fail(v, "the private and public halves do not match: the body is corrupt");
    }
    if (r == 1) v.attributes["consistent"] = "true";
  }
  v.status = VerifyStatus::kValidStructure;
  std::string what = v.attributes["key_type"];
  if (v.attributes.count("bits")) what += " " + v.attributes["bits"] + "-bit";
  v.reasons.push_back("unencrypted " + what + " private key parsed by OpenSSL");
  return v;
}

}  // namespace

Verification pem_private_key(const Input& in) {
  const std::string text = normalise_block(in.secret);
  static constexpr std::string_view kBegin = "-----BEGIN ";
  const std::size_t begin = text.find(kBegin);
  if (begin == std::string::npos) return invalid("no -----BEGIN line");
  const std::size_t label_end = text.find("-----", begin + kBegin.size());
  if (label_end == std::string::npos) return invalid("-----BEGIN line is not closed");
  const std::string label = text.substr(begin + kBegin.size(), label_end - begin - kBegin.size());
  if (label == "OPENSSH PRIVATE KEY") return openssh_private_key(in);
  if (label.size() > 64 || label.size() < 11 ||
      label.compare(label.size() - 11, 11, "PRIVATE KEY") != 0) {
    return invalid("the PEM label does not name a private key");
  }
  Verification v;
  v.attributes["label"] = label;
  v.attributes["format"] = label_format(label);
  if (const std::string type = label_key_type(label); !type.empty()) {
    v.attributes["key_type"] = type;
  }

  ErrorMark mark;
  const std::string_view pem = std::string_view(text).substr(begin);
  BioPtr bio = memory_bio(pem);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  const int ok = bio ? PEM_read_bio(bio.get(), &name, &header, &data, &length) : 0;
  OpensslPtr<char> name_owner(name), header_owner(header);
  OpensslPtr<unsigned char> data_owner(data);
  if (ok != 1) return fail(v, "PEM armour or base64 body is malformed");

  EVP_CIPHER_INFO cipher{};
  if (PEM_get_EVP_CIPHER_INFO(header, &cipher) != 1) {
    return fail(v, "Proc-Type/DEK-Info header is malformed or names an unknown cipher");
  }
  if (cipher.cipher != nullptr) return traditional_encrypted(std::move(v), cipher.cipher, length);
  if (label == "ENCRYPTED PRIVATE KEY") return pkcs8_encrypted(std::move(v), data, length);
  return plain_key(std::move(v), pem);
}

}  // namespace reachscan::verify::detail
