#pragma once
// The kinds the Kubernetes API serves in the sesame.dev/v1alpha1 group:
// their resource names, short names and schemas, for discovery, routing,
// OpenAPI and error messages.

#include <string>
#include <vector>

#include "specs/validate_schema.h"

namespace sesame::controller::api {

inline constexpr char kKubeGroup[] = "sesame.dev";
inline constexpr char kKubeVersion[] = "v1alpha1";
inline constexpr char kKubeGroupVersion[] = "sesame.dev/v1alpha1";

struct KubeResource {
  std::string kind;      // "Sandbox"
  std::string plural;    // "sandboxes"
  std::string singular;  // "sandbox"
  std::vector<std::string> short_names;
  std::vector<std::string> categories;  // `kubectl get sesame` lists every kind
  std::string description;
  // The spec's fields, as validation checks them.
  const specs::Schema* spec = nullptr;
  bool has_status = false;  // a /status subresource

  // "sandboxes.sesame.dev", the name kubectl prints in messages.
  std::string GroupResource() const { return plural + "." + kKubeGroup; }
};

// Every served kind, in discovery order.
const std::vector<KubeResource>& KubeResources();
const KubeResource* FindKubeResource(const std::string& plural);
const KubeResource* FindKubeResourceByKind(const std::string& kind);

}  // namespace sesame::controller::api
