// Internal to the verify/ stage: RAII for the OpenSSL handles the verifiers use, and a guard that
// keeps OpenSSL's per-thread error queue as it was (a failed parse is an answer here, not an
// error for whoever calls OpenSSL next on this thread).
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string_view>

namespace reachscan::verify::detail {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct BnCtxFree {
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
template <typename T>
using OpensslPtr = std::unique_ptr<T, OpensslFree>;

// A read-only memory BIO over `data`, which must outlive it. Inputs are bounded by
// kMaxInputSize, so the int length cannot overflow.
inline BioPtr memory_bio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// Sets a mark on the error queue and pops back to it on scope exit.
class ErrorMark {
 public:
  ErrorMark() { ERR_set_mark(); }
  ~ErrorMark() { ERR_pop_to_mark(); }
  ErrorMark(const ErrorMark&) = delete;
  ErrorMark& operator=(const ErrorMark&) = delete;
};

// Bit length of a big-endian unsigned integer (an SSH mpint or OpenPGP MPI body).
inline int bit_length(std::string_view big_endian) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()),
                     static_cast<int>(big_endian.size()), nullptr));
  return bn ? BN_num_bits(bn.get()) : 0;
}

}  // namespace reachscan::verify::detail
