#pragma once
// The Kubernetes API of the sesame.dev/v1alpha1 group, so that kubectl and
// Kubernetes client libraries work against the controller: discovery
// (/api, /apis), the objects under /apis/sesame.dev/v1alpha1 (list, watch,
// get, create, update, patch, delete, deletecollection, the status
// subresource), server-side tables, and OpenAPI (/openapi/v2, /openapi/v3).
// Served beside the /v1 routes, over the same store and tokens.
//
// Thread safety: Handle may be called from many threads at once.

#include <functional>
#include <string>

#include "controller/api/http_types.h"
#include "store/store.h"

namespace sesame::controller::api {

using NamespaceAllowed = std::function<bool(const std::string& ns)>;

class KubeApi {
 public:
  // `on_write` runs after every stored write.
  KubeApi(store::Store* store, std::function<void()> on_write);

  // Whether `path` is one of these routes.
  static bool Serves(const std::string& path);
  HttpResponse Handle(const HttpRequest& r, const NamespaceAllowed& allowed);

  // GET /version in Kubernetes' shape (major, minor, gitVersion...), plus
  // Sesame's own "version".
  static HttpResponse Version(const std::string& sesame_version);

  // What a URL names (kube_internal.h).
  struct Target;

 private:
  HttpResponse List(const HttpRequest& r, const Target& t);
  HttpResponse Watch(const HttpRequest& r, const Target& t);
  HttpResponse Get(const HttpRequest& r, const Target& t);
  HttpResponse Create(const HttpRequest& r, const Target& t);
  HttpResponse Update(const HttpRequest& r, const Target& t);
  HttpResponse Patch(const HttpRequest& r, const Target& t);
  HttpResponse Delete(const HttpRequest& r, const Target& t);
  HttpResponse DeleteCollection(const HttpRequest& r, const Target& t);
  void Wrote();

  store::Store* store_;
  std::function<void()> on_write_;
};

}  // namespace sesame::controller::api
