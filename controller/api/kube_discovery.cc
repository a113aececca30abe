// Discovery: which groups, versions and resources the server has, in the
// legacy form (APIGroupList, APIResourceList) and the aggregated one
// (apidiscovery.k8s.io APIGroupDiscoveryList) that kubectl asks for first.
#include "controller/api/kube_internal.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

const json kVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
const json kStatusVerbs = {"get", "patch", "update"};

json GroupVersion() { return {{"groupVersion", kKubeGroupVersion}, {"version", kKubeVersion}}; }

json ApiGroup() {
  return {{"name", kKubeGroup}, {"versions", {GroupVersion()}}, {"preferredVersion", GroupVersion()}};
}

json ResourceList() {
  json resources = json::array();
  for (const auto& r : KubeResources()) {
    resources.push_back({{"name", r.plural},
                         {"singularName", r.singular},
                         {"namespaced", true},
                         {"kind", r.kind},
                         {"verbs", kVerbs},
                         {"shortNames", r.short_names},
                         {"categories", r.categories}});
    if (r.has_status) {
      resources.push_back({{"name", r.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", r.kind},
                           {"verbs", kStatusVerbs}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", kKubeGroupVersion},
          {"resources", resources}};
}

json AggregatedGroups(const std::string& version) {
  json resources = json::array();
  for (const auto& r : KubeResources()) {
    json kind = {{"group", kKubeGroup}, {"version", kKubeVersion}, {"kind", r.kind}};
    json resource = {{"resource", r.plural},
                     {"singularResource", r.singular},
                     {"scope", "Namespaced"},
                     {"responseKind", kind},
                     {"verbs", kVerbs},
                     {"shortNames", r.short_names},
                     {"categories", r.categories}};
    if (r.has_status) {
      resource["subresources"] = {
          {{"subresource", "status"}, {"verbs", kStatusVerbs}, {"responseKind", kind}}};
    }
    resources.push_back(std::move(resource));
  }
  json group = {{"metadata", {{"name", kKubeGroup}}},
                {"versions", {{{"version", kKubeVersion}, {"freshness", "Current"}, {"resources", resources}}}}};
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + version},
          {"metadata", json::object()},
          {"items", {group}}};
}

// "v2" or "v2beta1" when the Accept header asks for aggregated discovery.
std::string AggregatedVersion(const HttpRequest& r) {
  std::string accept = r.Header("accept");
  size_t at = 0;
  while ((at = accept.find("as=APIGroupDiscoveryList", at)) != std::string::npos) {
    // The media type around this parameter: between commas.
    size_t begin = accept.rfind(',', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    size_t end = accept.find(',', at);
    std::string type = accept.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (type.find("g=apidiscovery.k8s.io") != std::string::npos) {
      if (type.find("v=v2;") != std::string::npos || type.ends_with("v=v2")) return "v2";
      if (type.find("v=v2beta1") != std::string::npos) return "v2beta1";
    }
    at = end == std::string::npos ? accept.size() : end;
  }
  return "";
}

HttpResponse Aggregated(json body, const std::string& version) {
  HttpResponse response = KubeJson(200, body);
  response.content_type = "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
  return response;
}

}  // namespace

std::optional<HttpResponse> Discovery(const HttpRequest& r) {
  const std::string& p = r.path;
  if (p != "/api" && p != "/apis" && p != "/apis/sesame.dev" && p != "/apis/sesame.dev/v1alpha1") {
    return std::nullopt;
  }
  if (r.method != "GET") return KubeError(405, r.method + " is not supported on " + p);
  std::string aggregated = AggregatedVersion(r);
  if (p == "/api") {
    // No core group: no versions.
    if (!aggregated.empty()) {
      json empty = AggregatedGroups(aggregated);
      empty["items"] = json::array();
      return Aggregated(empty, aggregated);
    }
    return KubeJson(200, {{"kind", "APIVersions"}, {"versions", json::array()},
                          {"serverAddressByClientCIDRs", json::array()}});
  }
  if (p == "/apis") {
    if (!aggregated.empty()) return Aggregated(AggregatedGroups(aggregated), aggregated);
    return KubeJson(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", {ApiGroup()}}});
  }
  if (p == "/apis/sesame.dev") {
    json group = ApiGroup();
    group["kind"] = "APIGroup";
    group["apiVersion"] = "v1";
    return KubeJson(200, group);
  }
  return KubeJson(200, ResourceList());
}

}  // namespace sesame::controller::api
