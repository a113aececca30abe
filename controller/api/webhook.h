#pragma once
// Push webhooks of Git hosts, authenticated with a shared secret instead
// of a bearer token (which GitHub and GitLab cannot send): GitHub's
// X-Hub-Signature-256 ("sha256=" and the hex HMAC-SHA256 of the raw body
// keyed with the secret) and GitLab's X-Gitlab-Token (the secret itself).

#include <string>

#include "controller/api/http_types.h"

namespace sesame::controller::api {

enum class WebhookAuth {
  kNone,     // no webhook header: authenticate the request as any other
  kValid,
  kInvalid,  // a header with a wrong signature or token, or no secret configured
};

WebhookAuth VerifyWebhook(const HttpRequest& request, const std::string& secret);

// "sha256=" + hex HMAC-SHA256(secret, body): what GitHub sends.
std::string GithubSignature(const std::string& secret, const std::string& body);

}  // namespace sesame::controller::api
