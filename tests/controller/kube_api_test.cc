// The Kubernetes API's handlers directly, on a real SQLite store: the
// shapes kubectl and client libraries depend on that the end-to-end tests
// do not reach (410 on an old resourceVersion, aggregated discovery,
// OpenAPI, field validation modes, dry runs, paging, the status
// subresource).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controller/api/kube_api.h"
#include "specs/manifest.h"
#include "store/sqlite_store.h"
#include "tests/testing/run_command.h"

namespace sesame::controller::api {
namespace {

using nlohmann::json;

constexpr char kBase[] = "/apis/sesame.dev/v1alpha1/namespaces/default/sandboxes";

class KubeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.change_retention = 10;
    options.change_prune_every = 5;
    store_ = store::OpenSqliteStore(dir_.path() + "/state.db", Clock::Real(), options).value();
    api_ = std::make_unique<KubeApi>(store_.get(), [] {});
  }
  HttpResponse Call(const std::string& method, const std::string& path,
                    std::multimap<std::string, std::string> query = {}, const std::string& body = "",
                    std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.body = body;
    r.headers = std::move(headers);
    return api_->Handle(r, [](const std::string&) { return true; });
  }
  json Body(const HttpResponse& r) { return json::parse(r.body); }
  void Create(const std::string& name, const std::string& labels = "{}") {
    auto r = Call("POST", kBase, {}, R"({"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox","metadata":{"name":")" +
                                         name + R"(","labels":)" + labels + R"(},"spec":{"provider":"filesystem"}})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // The whole body of a watch that ends by itself.
  std::string Stream(const HttpResponse& r) {
    std::string out;
    r.stream([&](std::string_view chunk) {
      out += chunk;
      return true;
    });
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<KubeApi> api_;
};

TEST_F(KubeApiTest, WatchFromAnExpiredVersionIsAnErrorEvent410) {
  for (int i = 0; i < 30; ++i) Create("box-" + std::to_string(i));
  auto r = Call("GET", kBase, {{"watch", "True"}, {"resourceVersion", "2"}});
  ASSERT_EQ(r.status, 200);
  json event = json::parse(Stream(r));
  EXPECT_EQ(event["type"], "ERROR");
  EXPECT_EQ(event["object"]["code"], 410);
  EXPECT_EQ(event["object"]["reason"], "Expired");
}

TEST_F(KubeApiTest, WatchSendsAddedModifiedDeletedWithSelectors) {
  Create("red", R"({"team":"red"})");
  Create("blue", R"({"team":"blue"})");
  auto rv = Body(Call("GET", kBase))["metadata"]["resourceVersion"].get<std::string>();
  auto patched = Call("PATCH", kBase + std::string("/red"), {}, R"({"metadata":{"labels":{"team":"green"}}})",
                      {{"content-type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  Call("PATCH", kBase + std::string("/blue"), {}, R"({"metadata":{"labels":{"x":"y"}}})",
       {{"content-type", "application/merge-patch+json"}});
  // The red one stopped matching: DELETED for this watch; blue changed.
  auto r = Call("GET", kBase, {{"watch", "1"}, {"resourceVersion", rv}, {"timeoutSeconds", "1"},
                               {"labelSelector", "team in (red,blue)"}});
  std::string lines = Stream(r);
  EXPECT_NE(lines.find(R"({"object":{"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox")"), std::string::npos)
      << lines;
  std::vector<std::string> types;
  for (size_t at = 0, end; (end = lines.find('\n', at)) != std::string::npos; at = end + 1) {
    if (end == at) continue;
    json e = json::parse(lines.substr(at, end - at));
    types.push_back(e["type"].get<std::string>() + " " + e["object"]["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"DELETED red", "MODIFIED blue"}));

  // As a Table for kubectl get -w; no version: ADDED for what exists.
  auto table = Call("GET", kBase, {{"watch", "true"}, {"timeoutSeconds", "1"}, {"fieldSelector", "metadata.name=blue"}},
                    "", {{"accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
  json added = json::parse(Stream(table));
  EXPECT_EQ(added["type"], "ADDED");
  EXPECT_EQ(added["object"]["kind"], "Table");
  EXPECT_EQ(added["object"]["rows"][0]["cells"][0], "blue");
}

TEST_F(KubeApiTest, DiscoveryIsAggregatedWhenAskedFor) {
  auto legacy = Call("GET", "/apis");
  EXPECT_EQ(Body(legacy)["kind"], "APIGroupList");
  EXPECT_EQ(legacy.content_type, "application/json");
  auto aggregated = Call("GET", "/apis", {}, "",
                         {{"accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                                     "application/json"}});
  EXPECT_EQ(aggregated.content_type, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  json resources = Body(aggregated)["items"][0]["versions"][0]["resources"];
  EXPECT_EQ(resources[0]["resource"], "sandboxes");
  EXPECT_EQ(resources[0]["shortNames"], json({"sb"}));
  EXPECT_EQ(resources[0]["subresources"][0]["subresource"], "status");
  json list = Body(Call("GET", "/apis/sesame.dev/v1alpha1"));
  EXPECT_EQ(list["resources"][1]["name"], "sandboxes/status");
}

TEST_F(KubeApiTest, OpenApiV3DeclaresServerSideFieldValidation) {
  json index = Body(Call("GET", "/openapi/v3"));
  std::string url = index["paths"]["apis/sesame.dev/v1alpha1"]["serverRelativeURL"];
  EXPECT_EQ(url.rfind("/openapi/v3/apis/sesame.dev/v1alpha1?hash=", 0), 0u) << url;
  json doc = Body(Call("GET", "/openapi/v3/apis/sesame.dev/v1alpha1"));
  json patch = doc["paths"]["/apis/sesame.dev/v1alpha1/namespaces/{namespace}/sandboxes/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Sandbox");
  bool field_validation = false;
  for (const auto& p : patch["parameters"]) field_validation |= p["name"] == "fieldValidation";
  EXPECT_TRUE(field_validation);
  json lifetime = doc["components"]["schemas"]["dev.sesame.v1alpha1.Sandbox"]["properties"]["spec"]["properties"]["lifetime"];
  EXPECT_FALSE(lifetime.value("description", "").empty()) << lifetime;
  // v2: JSON for JSON clients, gnostic's protobuf Document to kubectl's
  // protobuf request (field 1, swagger, comes first).
  EXPECT_EQ(Body(Call("GET", "/openapi/v2"))["swagger"], "2.0");
  const std::string protobuf = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  auto pb = Call("GET", "/openapi/v2", {}, "", {{"accept", protobuf}});
  EXPECT_EQ(pb.status, 200);
  EXPECT_EQ(pb.content_type, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  EXPECT_EQ(pb.body.substr(0, 5), std::string("\x0a\x03" "2.0"));
  EXPECT_NE(pb.body.find("x-kubernetes-group-version-kind"), std::string::npos);
  EXPECT_NE(pb.body.find("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), std::string::npos);
  // The q values rank the types; JSON wins a tie when it comes first.
  EXPECT_EQ(Call("GET", "/openapi/v2", {}, "", {{"accept", protobuf + ";q=0.5, application/json"}}).content_type,
            "application/json");
  EXPECT_EQ(Call("GET", "/openapi/v2", {}, "", {{"accept", "application/json;q=0.9, " + protobuf}}).status, 200);
  EXPECT_EQ(Call("GET", "/openapi/v2", {}, "", {{"accept", "application/json;q=0.9, " + protobuf}}).body, pb.body);
  EXPECT_EQ(Call("GET", "/openapi/v2", {}, "", {{"accept", "*/*"}}).content_type, "application/json");
}

TEST_F(KubeApiTest, FieldValidationDryRunAndStrategicPatches) {
  std::string unknown = R"({"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox","metadata":{"name":"x"},"spec":{"colour":"red"}})";
  auto strict = Call("POST", kBase, {{"fieldValidation", "Strict"}}, unknown);
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(Body(strict)["message"], "strict decoding error: unknown field \"spec.colour\"");
  auto warn = Call("POST", kBase, {{"fieldValidation", "Warn"}, {"dryRun", "All"}}, unknown);
  EXPECT_EQ(warn.status, 201) << warn.body;
  EXPECT_NE(warn.headers["Warning"].find("spec.colour"), std::string::npos);
  EXPECT_EQ(Body(Call("GET", kBase + std::string("/x"))).value("code", 0), 404) << "a dry run stores nothing";
  auto ignore = Call("POST", kBase, {{"fieldValidation", "Ignore"}}, unknown);
  EXPECT_EQ(ignore.status, 201) << ignore.body;
  EXPECT_FALSE(Body(ignore)["spec"].contains("colour"));
  auto strategic = Call("PATCH", kBase + std::string("/x"), {}, "{}",
                        {{"content-type", "application/strategic-merge-patch+json"}});
  EXPECT_EQ(strategic.status, 415);
  auto exists = Call("POST", kBase, {}, R"({"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox","metadata":{"name":"x"}})");
  EXPECT_EQ(Body(exists)["reason"], "AlreadyExists");
  // A merge patch carrying an old resourceVersion is a precondition.
  auto stale = Call("PATCH", kBase + std::string("/x"), {}, R"({"metadata":{"resourceVersion":"999"},"spec":{"suspend":true}})",
                    {{"content-type", "application/merge-patch+json"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
}

TEST_F(KubeApiTest, PagesStatusSubresourceAndServerSideApply) {
  for (const char* name : {"a", "b", "c"}) Create(name);
  json page = Body(Call("GET", kBase, {{"limit", "2"}}));
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["metadata"]["remainingItemCount"], 1);
  json rest = Body(Call("GET", kBase, {{"limit", "2"}, {"continue", page["metadata"]["continue"]}}));
  ASSERT_EQ(rest["items"].size(), 1u);
  EXPECT_EQ(rest["items"][0]["metadata"]["name"], "c");
  EXPECT_FALSE(rest["metadata"].contains("continue"));

  auto status = Call("PATCH", kBase + std::string("/a/status"), {}, R"({"status":{"phase":"Running"}})",
                     {{"content-type", "application/merge-patch+json"}});
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(Body(Call("GET", kBase + std::string("/a")))["status"]["phase"], "Running");
  json phase = Body(Call("GET", kBase, {{"fieldSelector", "status.phase=Running"}}));
  ASSERT_EQ(phase["items"].size(), 1u);

  std::string intent = "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: d}\nspec: {suspend: true}\n";
  auto applied = Call("PATCH", kBase + std::string("/d"), {{"fieldManager", "kubectl"}}, intent,
                      {{"content-type", "application/apply-patch+yaml"}});
  EXPECT_EQ(applied.status, 201) << applied.body;
  auto again = Call("PATCH", kBase + std::string("/d"), {}, intent, {{"content-type", "application/apply-patch+yaml"}});
  EXPECT_EQ(again.status, 200) << again.body;

  auto removed = Call("DELETE", kBase, {{"labelSelector", ""}}, R"({"dryRun":["All"]})");
  EXPECT_EQ(Body(removed)["items"].size(), 4u);
  EXPECT_EQ(Body(Call("GET", kBase))["items"].size(), 4u) << "a dry run deletes nothing";
}

}  // namespace
}  // namespace sesame::controller::api
