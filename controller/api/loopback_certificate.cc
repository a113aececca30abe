#include "controller/api/loopback_certificate.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace sesame::controller::api {

namespace {

constexpr long kValidDays = 3650;
constexpr int kRenewDays = 30;

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
struct CtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Bio = std::unique_ptr<BIO, BioFree>;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whether `pem` is a certificate valid for at least kRenewDays more.
bool StillValid(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return false;
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return false;
  time_t soon = time(nullptr) + static_cast<time_t>(kRenewDays) * 86400;
  return X509_cmp_time(X509_get0_notAfter(cert.get()), &soon) > 0;
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Status Generate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> kctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx.get(), NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_keygen(kctx.get(), &raw) != 1) {
    return InternalError("cannot make a key for the HTTPS listener");
  }
  Pkey key(raw);
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return InternalError("no random bytes for a certificate serial");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidDays * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sesame"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sesame-controller"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
      !AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return InternalError("cannot make a certificate for the HTTPS listener");
  }
  // The key is written 0600 before any byte of it.
  std::string tmp_key = key_path + ".tmp";
  FILE* kf = nullptr;
  int fd = ::open(tmp_key.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) kf = fdopen(fd, "w");
  if (!kf) {
    if (fd >= 0) ::close(fd);
    return InternalError("cannot write " + tmp_key);
  }
  bool key_ok = PEM_write_PrivateKey(kf, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  key_ok = (fclose(kf) == 0) && key_ok;
  std::string tmp_cert = cert_path + ".tmp";
  FILE* cf = fopen(tmp_cert.c_str(), "w");
  bool cert_ok = cf && PEM_write_X509(cf, cert.get()) == 1;
  if (cf) cert_ok = (fclose(cf) == 0) && cert_ok;
  if (!key_ok || !cert_ok) return InternalError("cannot write the HTTPS listener's certificate under " + cert_path);
  std::error_code ec;
  std::filesystem::rename(tmp_key, key_path, ec);
  if (!ec) std::filesystem::rename(tmp_cert, cert_path, ec);
  if (ec) return InternalError("cannot write " + cert_path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<TlsFiles> EnsureLoopbackCertificate(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  TlsFiles files{dir + "/controller.crt", dir + "/controller.key", ""};
  files.cert_pem = ReadFile(files.cert_path);
  if (!StillValid(files.cert_pem) || !std::filesystem::exists(files.key_path)) {
    SESAME_RETURN_IF_ERROR(Generate(files.cert_path, files.key_path));
    files.cert_pem = ReadFile(files.cert_path);
  }
  return files;
}

}  // namespace sesame::controller::api
