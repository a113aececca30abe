#include "controller/api/kube_endpoint.h"

#include <nlohmann/json.hpp>

#include "providers/http/stream_decoders.h"

namespace sesame::controller::api {

namespace {

constexpr char kSetting[] = "kube-api-endpoint";

}  // namespace

std::string KubeEndpoint::CertificateAuthorityData() const {
  return providers::http::Base64Encode(certificate_authority);
}

Status RecordKubeEndpoint(store::Store& store, const KubeEndpoint& endpoint) {
  nlohmann::json j = {{"server", endpoint.server},
                      {"certificateAuthority", endpoint.certificate_authority},
                      {"plainServer", endpoint.plain_server}};
  return store.PutSetting(kSetting, j.dump());
}

Result<KubeEndpoint> ReadKubeEndpoint(store::Store& store) {
  auto text = store.GetSetting(kSetting);
  if (!text.ok()) return text.status();
  if (!*text) return NotFoundError("no controller has served the Kubernetes API on this store yet");
  nlohmann::json j = nlohmann::json::parse(**text, nullptr, false);
  if (!j.is_object()) return InternalError("the recorded Kubernetes API endpoint is not JSON");
  return KubeEndpoint{j.value("server", ""), j.value("certificateAuthority", ""), j.value("plainServer", "")};
}

}  // namespace sesame::controller::api
