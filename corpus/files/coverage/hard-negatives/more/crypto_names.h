/* Macro aliases and type names that carry KEY/TOKEN in their names. */
#define GNUTLS_PKCS11_OBJ_ATTR_PRIVKEY GNUTLS_PKCS11_OBJ_FLAG_PRIVKEY
#define PKCS12_DERIVE_MAC_KEY MBEDTLS_PKCS12_DERIVE_MAC_KEY
/*   key: Tgnutls_x509_privkey_t;
 *   def int_aarch64_crypto_sm4ekey   : Crypto_SM4_2Vector_Intrinsic;
 *   key: PKCS12PrivateKeyTypes | None,
 * testsuite/libgomp.oacc-fortran/kernels-private-vars-loop-vector-1.f90: New test.
 * "hostname" : "access-analyzer.af-south-1.api.aws",
 * "S3Key": "867139942017-EntitiesDetection-ab9887877365fe70299089371c043b96/"
 * tpmkey:uuid=7f468c16-cb7f-11e1-824d-b3a4f4b20343;storage=user
 */
