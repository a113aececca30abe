#pragma once
// The HTTPS endpoint for Kubernetes clients. kubectl and client-go send
// bearer tokens only over TLS, so the controller also listens on loopback
// with a self-signed certificate (loopback_certificate.h); the address and
// the certificate are recorded in the store, where `sesame kubeconfig`
// reads them.

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace sesame::controller::api {

struct KubeEndpoint {
  std::string server;                   // "https://127.0.0.1:7778"
  std::string certificate_authority;    // PEM
  // The API without TLS ("http://127.0.0.1:7777"), for clients without a
  // token: kubectl asks for a username when an https server gets none.
  std::string plain_server;
  // The PEM in base64, as kubeconfig's certificate-authority-data.
  std::string CertificateAuthorityData() const;
};

Status RecordKubeEndpoint(store::Store& store, const KubeEndpoint& endpoint);
// kNotFound when no controller has recorded one.
Result<KubeEndpoint> ReadKubeEndpoint(store::Store& store);

}  // namespace sesame::controller::api
