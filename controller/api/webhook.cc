#include "controller/api/webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace sesame::controller::api {

namespace {

// Constant time, so a caller cannot find the signature byte by byte.
bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string GithubSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

WebhookAuth VerifyWebhook(const HttpRequest& request, const std::string& secret) {
  std::string github = request.Header("x-hub-signature-256");
  std::string gitlab = request.Header("x-gitlab-token");
  if (github.empty() && gitlab.empty()) return WebhookAuth::kNone;
  if (secret.empty()) return WebhookAuth::kInvalid;
  if (!github.empty() && !SameSecret(github, GithubSignature(secret, request.body))) return WebhookAuth::kInvalid;
  if (!gitlab.empty() && !SameSecret(gitlab, secret)) return WebhookAuth::kInvalid;
  return WebhookAuth::kValid;
}

}  // namespace sesame::controller::api
