#pragma once
// The self-signed certificate of the controller's HTTPS listener for
// Kubernetes clients (kube_endpoint.h), made once with OpenSSL and kept
// under $SESAME_HOME/tls.

#include <string>

#include "common/status.h"

namespace sesame::controller::api {

struct TlsFiles {
  std::string cert_path;  // PEM
  std::string key_path;   // PEM, mode 0600
  std::string cert_pem;
};

// The certificate and key under `dir` (created 0700), made anew when missing,
// unreadable or expiring within 30 days. The certificate names 127.0.0.1,
// ::1 and localhost and is its own CA.
Result<TlsFiles> EnsureLoopbackCertificate(const std::string& dir);

}  // namespace sesame::controller::api
