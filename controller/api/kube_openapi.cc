// OpenAPI for the sesame.dev group, generated from the schema validation
// uses, with its descriptions (specs/json_schema.h): v3 for `kubectl explain` and for
// kubectl's check that the server validates fields itself (a PATCH with a
// fieldValidation parameter), v2 in JSON and in protobuf (what older
// kubectl validates manifests with and explains from).
#include <functional>

#include "controller/api/kube_internal.h"
#include "controller/api/openapi_v2_protobuf.h"
#include "specs/json_schema.h"
#include "specs/status_vocabulary.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

constexpr char kMetaRef[] = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

// The Sandbox status the controller writes (not validated: only it writes).
json SandboxStatusSchema() {
  json condition = {{"type", "object"},
                    {"properties",
                     {{"type", {{"type", "string"}, {"description", "Ready, Provisioned, RuntimeReady, SecurityEnforced or Expired."}}},
                      {"status", {{"type", "string"}, {"enum", {specs::kConditionTrue, specs::kConditionFalse, specs::kConditionUnknown}}}},
                      {"reason", {{"type", "string"}}},
                      {"message", {{"type", "string"}}},
                      {"lastTransitionTime", {{"type", "string"}, {"format", "date-time"}}},
                      {"observedGeneration", {{"type", "integer"}, {"format", "int64"}}}}}};
  json endpoint = {{"type", "object"},
                   {"properties", {{"port", {{"type", "integer"}}}, {"url", {{"type", "string"}}}}}};
  json provider_ref = {{"type", "object"},
                       {"properties", {{"provider", {{"type", "string"}}}, {"id", {{"type", "string"}}}}}};
  json properties = {
      {"phase", {{"type", "string"},
                 {"description",
                  "Pending, Provisioning, Running, Succeeded, Failed, Suspended, Expired or Terminating."}}},
      {"observedGeneration", {{"type", "integer"}, {"format", "int64"}}},
      {"providerRef", provider_ref},
      {"conditions", {{"type", "array"}, {"items", condition}}},
      {"endpoints", {{"type", "array"}, {"items", endpoint}}},
      {"startedAt", {{"type", "string"}, {"format", "date-time"}}},
      {"expiresAt", {{"type", "string"}, {"format", "date-time"}}},
      {"exitCode", {{"type", "integer"}}},
      {"restarts", {{"type", "integer"}}},
      {"restartedAt",
       {{"type", "string"},
        {"description", "The sesame.dev/restartedAt annotation value the last requested restart acted on."}}},
  };
  return {{"type", "object"},
          {"description", "What the controller observed; written by the controller only."},
          {"properties", properties}};
}

// v3 ignores the siblings of a $ref, so the description goes beside an
// allOf; v2 readers (older kubectl's among them) follow $ref only, and
// Kubernetes' own v2 documents put the description beside it.
json MetadataProperty(const std::function<json(const std::string&)>& ref, bool v3) {
  json property = v3 ? json{{"allOf", {ref(kMetaRef)}}} : ref(kMetaRef);
  property["description"] = "Standard object metadata.";
  return property;
}

json Gvk(const std::string& kind) { return {{"group", kKubeGroup}, {"version", kKubeVersion}, {"kind", kind}}; }

std::string SchemaName(const std::string& kind) { return std::string("dev.sesame.v1alpha1.") + kind; }

// The component schemas, keyed by name; `ref` makes a reference to one.
json Schemas(const std::function<json(const std::string&)>& ref, bool v3) {
  json schemas = json::object();
  json meta = specs::ToJsonSchema(specs::MetadataSchema());
  meta["description"] = "Standard object metadata: name, namespace, labels, annotations and server-set fields.";
  schemas[kMetaRef] = meta;
  for (const auto& r : KubeResources()) {
    json properties = {
        {"apiVersion", {{"type", "string"}, {"description", std::string("Always ") + kKubeGroupVersion + "."}}},
        {"kind", {{"type", "string"}, {"description", "Always " + r.kind + "."}}},
        {"metadata", MetadataProperty(ref, v3)},
    };
    if (r.spec) {
      properties["spec"] = specs::ToJsonSchema(*r.spec);
      properties["spec"]["description"] = "The desired state.";
    }
    if (r.kind == specs::kKindSandbox) {
      properties["status"] = SandboxStatusSchema();
    } else if (r.has_status) {
      properties["status"] = {{"type", "object"},
                              {"description", "Written by the controller."},
                              {"x-kubernetes-preserve-unknown-fields", true}};
    }
    schemas[SchemaName(r.kind)] = {{"type", "object"},
                                   {"description", r.description},
                                   {"properties", properties},
                                   {"x-kubernetes-group-version-kind", {Gvk(r.kind)}}};
    schemas[SchemaName(r.kind + "List")] = {
        {"type", "object"},
        {"description", "A list of " + r.kind + " objects."},
        {"properties",
         {{"apiVersion", {{"type", "string"}}},
          {"kind", {{"type", "string"}}},
          {"metadata", {{"type", "object"}}},
          {"items", {{"type", "array"}, {"items", ref(SchemaName(r.kind))}}}}},
        {"x-kubernetes-group-version-kind", {Gvk(r.kind + "List")}}};
  }
  return schemas;
}

json QueryParameter(const std::string& name, const std::string& type, bool v3) {
  json p = {{"name", name}, {"in", "query"}, {"uniqueItems", true}};
  if (v3) {
    p["schema"] = {{"type", type}};
  } else {
    p["type"] = type;
  }
  return p;
}

json PathParameter(const std::string& name, bool v3) {
  json p = {{"name", name}, {"in", "path"}, {"required", true}};
  if (v3) {
    p["schema"] = {{"type", "string"}};
  } else {
    p["type"] = "string";
  }
  return p;
}

// The operations of every resource; `body` makes a response's content.
json Paths(bool v3, const std::function<json(const std::string&)>& ref) {
  auto ok = [&](const std::string& schema) {
    json response = {{"description", "OK"}};
    if (v3) {
      response["content"] = {{"application/json", {{"schema", ref(schema)}}}};
    } else {
      response["schema"] = ref(schema);
    }
    return json{{"200", response}};
  };
  json paths = json::object();
  const std::string base = std::string("/apis/") + kKubeGroupVersion;
  for (const auto& r : KubeResources()) {
    json gvk = Gvk(r.kind);
    std::string one = SchemaName(r.kind), list = SchemaName(r.kind + "List");
    auto op = [&](const std::string& id, const std::string& action, const std::string& schema,
                  std::vector<json> params) {
      json o = {{"operationId", id + r.kind},
                {"x-kubernetes-action", action},
                {"x-kubernetes-group-version-kind", gvk},
                {"responses", ok(schema)}};
      if (!params.empty()) o["parameters"] = params;
      return o;
    };
    std::vector<json> write_params = {QueryParameter("dryRun", "string", v3),
                                      QueryParameter("fieldManager", "string", v3),
                                      QueryParameter("fieldValidation", "string", v3)};
    std::vector<json> patch_params = write_params;
    patch_params.push_back(QueryParameter("force", "boolean", v3));
    std::vector<json> list_params = {
        QueryParameter("labelSelector", "string", v3), QueryParameter("fieldSelector", "string", v3),
        QueryParameter("limit", "integer", v3),         QueryParameter("continue", "string", v3),
        QueryParameter("resourceVersion", "string", v3), QueryParameter("watch", "boolean", v3),
        QueryParameter("allowWatchBookmarks", "boolean", v3), QueryParameter("timeoutSeconds", "integer", v3)};
    json ns_param = PathParameter("namespace", v3), name_param = PathParameter("name", v3);
    paths[base + "/" + r.plural] = {{"get", op("list" + r.plural, "list", list, list_params)}};
    paths[base + "/namespaces/{namespace}/" + r.plural] = {
        {"parameters", {ns_param}},
        {"get", op("listNamespaced", "list", list, list_params)},
        {"post", op("create", "post", one, write_params)},
        {"delete", op("deleteCollection", "deletecollection", list, list_params)}};
    paths[base + "/namespaces/{namespace}/" + r.plural + "/{name}"] = {
        {"parameters", {ns_param, name_param}},
        {"get", op("read", "get", one, {})},
        {"put", op("replace", "put", one, write_params)},
        {"patch", op("patch", "patch", one, patch_params)},
        {"delete", op("delete", "delete", one, {QueryParameter("dryRun", "string", v3)})}};
    if (r.has_status) {
      paths[base + "/namespaces/{namespace}/" + r.plural + "/{name}/status"] = {
          {"parameters", {ns_param, name_param}},
          {"get", op("readStatus", "get", one, {})},
          {"put", op("replaceStatus", "put", one, write_params)},
          {"patch", op("patchStatus", "patch", one, patch_params)}};
    }
  }
  return paths;
}

struct Documents {
  std::string v3;
  std::string v3_hash;
  std::string v2;
  std::string v2_protobuf;
};

const Documents& Docs() {
  static const Documents docs = [] {
    Documents d;
    auto ref3 = [](const std::string& name) { return json{{"$ref", "#/components/schemas/" + name}}; };
    json v3 = {{"openapi", "3.0.0"},
               {"info", {{"title", "Sesame"}, {"version", kKubeVersion}}},
               {"paths", Paths(true, ref3)},
               {"components", {{"schemas", Schemas(ref3, true)}}}};
    d.v3 = v3.dump();
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016zX", std::hash<std::string>{}(d.v3));
    d.v3_hash = hash;
    auto ref2 = [](const std::string& name) { return json{{"$ref", "#/definitions/" + name}}; };
    json v2 = {{"swagger", "2.0"},
               {"info", {{"title", "Sesame"}, {"version", kKubeVersion}}},
               {"paths", Paths(false, ref2)},
               {"definitions", Schemas(ref2, false)}};
    d.v2 = v2.dump();
    d.v2_protobuf = OpenApiV2Protobuf(v2);
    return d;
  }();
  return docs;
}

// Whether the Accept header ranks the protobuf v2 document above JSON:
// the highest q wins, the earlier entry on a tie; JSON when nothing
// matches (no header, `*/*`).
bool PrefersProtobuf(const std::string& accept) {
  double best_q = -1;
  bool protobuf = false;
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string entry = accept.substr(start, end - start);
    start = end + 1;
    std::string type = entry.substr(0, entry.find(';'));
    type.erase(0, type.find_first_not_of(" \t"));
    type.erase(type.find_last_not_of(" \t") + 1);
    bool is_protobuf = type == kOpenApiV2ProtobufAccept || type == kOpenApiV2ProtobufType;
    bool is_json = type == "application/json" || type == "*/*" || type == "application/*";
    if (!is_protobuf && !is_json) continue;
    double q = 1;
    if (size_t at = entry.find("q="); at != std::string::npos) q = std::atof(entry.c_str() + at + 2);
    if (q > 0 && q > best_q) {
      best_q = q;
      protobuf = is_protobuf;
    }
  }
  return protobuf;
}

HttpResponse Text(const std::string& body) {
  HttpResponse r;
  r.body = body;
  return r;
}

}  // namespace

std::optional<HttpResponse> OpenApi(const HttpRequest& r) {
  const std::string& p = r.path;
  if (p != "/openapi/v2" && p != "/openapi/v3" && p != "/openapi/v3/apis/sesame.dev/v1alpha1") return std::nullopt;
  if (r.method != "GET") return KubeError(405, r.method + " is not supported on " + p);
  if (p == "/openapi/v3") {
    json index = {{"paths",
                   {{"apis/sesame.dev/v1alpha1",
                     {{"serverRelativeURL", "/openapi/v3/apis/sesame.dev/v1alpha1?hash=" + Docs().v3_hash}}}}}};
    return KubeJson(200, index);
  }
  if (p == "/openapi/v3/apis/sesame.dev/v1alpha1") return Text(Docs().v3);
  if (PrefersProtobuf(r.Header("accept"))) {
    HttpResponse pb = Text(Docs().v2_protobuf);
    pb.content_type = kOpenApiV2ProtobufType;
    return pb;
  }
  return Text(Docs().v2);
}

}  // namespace sesame::controller::api
