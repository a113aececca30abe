#pragma once
// Shared by the kube_*.cc files that make up KubeApi (kube_api.h); not
// for other callers.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "controller/api/kube_api.h"
#include "controller/api/kube_resources.h"
#include "specs/columns.h"
#include "store/store.h"

namespace sesame::controller::api {

// What a URL under /apis/sesame.dev/v1alpha1 names.
struct KubeApi::Target {
  const KubeResource* resource = nullptr;
  std::string ns;           // empty: every namespace (only for lists)
  std::string name;         // empty: the collection
  std::string subresource;  // "" or "status"
  specs::ObjectKey Key() const { return {resource->kind, ns, name}; }
};

// A JSON response with a trailing newline.
HttpResponse KubeJson(int status, const nlohmann::json& body);
// A Kubernetes Status for `status`, in the words kubectl expects
// (`sandboxes.sesame.dev "x" not found`), with details naming the object.
HttpResponse KubeError(const Status& status, const KubeResource& resource, const std::string& name);
// A Status with a given code and message, e.g. 400 BadRequest.
HttpResponse KubeError(int code, const std::string& message);

// Query values as Go's strconv.ParseBool reads them (Python sends "True").
std::optional<bool> ParseGoBool(const std::string& text);
bool QueryFlag(const HttpRequest& r, const std::string& name);
// dryRun=All in the query.
bool DryRun(const HttpRequest& r);
// Whether the Accept header asks for a meta.k8s.io Table.
bool WantsTable(const HttpRequest& r);

// fieldSelector: metadata.name, metadata.namespace, status.phase and
// spec.provider with =, == and !=, joined by commas.
class FieldSelector {
 public:
  static Result<FieldSelector> Parse(const std::string& text);
  bool empty() const { return requirements_.empty(); }
  bool Matches(const specs::Object& o, const specs::TemplateFinder& templates) const;

 private:
  struct Requirement {
    std::string field;
    bool equal = true;
    std::string value;
  };
  std::vector<Requirement> requirements_;
};

// label and field selectors of a list or watch request.
struct ObjectFilter {
  store::Selector labels;
  FieldSelector fields;
  bool Matches(const specs::Object& o, const specs::TemplateFinder& templates) const;
};
// 400 errors name the parameter.
Result<ObjectFilter> FilterOf(const HttpRequest& r);

// Finds templates in the store, reading each one once.
specs::TemplateFinder StoreTemplates(store::Store& store);

// Server-side printing: a meta.k8s.io/v1 Table of `objects` with the
// columns of specs/columns.h; includeObject (None, Metadata (default),
// Object) says what each row carries.
nlohmann::json TableOf(const KubeResource& resource, const std::vector<specs::Object>& objects,
                       const std::string& include_object, const specs::TemplateFinder& templates);

// /api, /apis, /apis/sesame.dev, /apis/sesame.dev/v1alpha1; nullopt for
// other paths.
std::optional<HttpResponse> Discovery(const HttpRequest& r);
// /openapi/v2, /openapi/v3, /openapi/v3/apis/sesame.dev/v1alpha1; nullopt
// for other paths.
std::optional<HttpResponse> OpenApi(const HttpRequest& r);

}  // namespace sesame::controller::api
