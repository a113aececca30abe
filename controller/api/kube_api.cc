// Routing of the Kubernetes API, its error shapes and /version.
#include <regex>

#include "controller/api/api_errors.h"
#include "controller/api/kube_internal.h"

namespace sesame::controller::api {

using nlohmann::json;

KubeApi::KubeApi(store::Store* store, std::function<void()> on_write)
    : store_(store), on_write_(std::move(on_write)) {}

bool KubeApi::Serves(const std::string& path) {
  auto under = [&](const char* prefix) {
    size_t n = std::char_traits<char>::length(prefix);
    return path.compare(0, n, prefix) == 0 && (path.size() == n || path[n] == '/');
  };
  return under("/api") || under("/apis") || under("/openapi");
}

void KubeApi::Wrote() {
  if (on_write_) on_write_();
}

HttpResponse KubeApi::Handle(const HttpRequest& r, const NamespaceAllowed& allowed) {
  if (auto discovery = Discovery(r)) return *discovery;
  if (auto openapi = OpenApi(r)) return *openapi;
  static const std::regex kAll(R"(^/apis/sesame\.dev/v1alpha1/([a-z]+)$)");
  static const std::regex kNamespaced(
      R"(^/apis/sesame\.dev/v1alpha1/namespaces/([^/]+)/([a-z]+)(?:/([^/]+)(?:/([a-z]+))?)?$)");
  std::smatch m;
  Target t;
  if (std::regex_match(r.path, m, kAll)) {
    t.resource = FindKubeResource(m[1]);
  } else if (std::regex_match(r.path, m, kNamespaced)) {
    t.resource = FindKubeResource(m[2]);
    t.ns = m[1];
    t.name = m[3];
    t.subresource = m[4];
  }
  if (!t.resource) return KubeError(404, "the server could not find the requested resource");
  if (!t.subresource.empty() && (t.subresource != "status" || !t.resource->has_status)) {
    return KubeError(404, "the server could not find the requested resource");
  }
  if (!allowed(t.ns)) {
    std::string where = t.ns.empty() ? "at the cluster scope (every namespace)" : "in the namespace \"" + t.ns + "\"";
    return KubeError(403, t.resource->GroupResource() + " is forbidden: this token may not act " + where);
  }
  const std::string& method = r.method;
  auto not_allowed = [&] { return KubeError(405, method + " is not supported on " + r.path); };
  if (t.name.empty()) {
    if (method == "GET") return QueryFlag(r, "watch") ? Watch(r, t) : List(r, t);
    if (t.ns.empty()) return not_allowed();
    if (method == "POST") return Create(r, t);
    if (method == "DELETE") return DeleteCollection(r, t);
    return not_allowed();
  }
  if (method == "GET") return Get(r, t);
  if (method == "PUT") return Update(r, t);
  if (method == "PATCH") return Patch(r, t);
  if (method == "DELETE" && t.subresource.empty()) return Delete(r, t);
  return not_allowed();
}

HttpResponse KubeApi::Version(const std::string& sesame_version) {
  // kubectl's dispatcher picks its client binary from major and minor.
  return KubeJson(200, {{"major", "1"},
                        {"minor", "32"},
                        {"gitVersion", "v1.32.0-sesame"},
                        {"gitCommit", ""},
                        {"gitTreeState", "clean"},
                        {"buildDate", ""},
                        {"goVersion", ""},
                        {"compiler", "gcc"},
                        {"platform", "linux/amd64"},
                        {"version", sesame_version}});
}

HttpResponse KubeJson(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump() + "\n";
  return r;
}

HttpResponse KubeError(int code, const std::string& message) { return ErrorResponse(code, message); }

namespace {

// `response` with a different reason than the code's default.
HttpResponse WithReason(HttpResponse response, const char* reason) {
  json body = json::parse(response.body);
  body["reason"] = reason;
  response.body = body.dump() + "\n";
  return response;
}

}  // namespace

HttpResponse KubeError(const Status& status, const KubeResource& resource, const std::string& name) {
  std::string quoted = resource.GroupResource() + " \"" + name + "\"";
  json details = {{"name", name}, {"group", kKubeGroup}, {"kind", resource.plural}};
  switch (status.code()) {
    case Code::kNotFound:
      return ErrorResponse(404, quoted + " not found", details.dump());
    case Code::kAlreadyExists:
      return WithReason(ErrorResponse(409, quoted + " already exists", details.dump()), "AlreadyExists");
    case Code::kConflict: {
      bool stale = status.message().find("has been modified") != std::string::npos;
      return ErrorResponse(409, "Operation cannot be fulfilled on " + quoted + ": " +
                                    (stale ? "the object has been modified; please apply your changes "
                                             "to the latest version and try again"
                                           : status.message()),
                           details.dump());
    }
    default:
      return ErrorResponse(status);
  }
}

}  // namespace sesame::controller::api
