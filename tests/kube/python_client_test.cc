// Debian's python3-kubernetes (CustomObjectsApi and watch) against a
// running controller, over HTTPS with a token from `sesame kubeconfig`.
#include <nlohmann/json.hpp>

#include "tests/kube/kube_fixture.h"

namespace sesame::kube {
namespace {

using nlohmann::json;

class PythonClientTest : public KubeTest {};

constexpr char kScript[] = R"PY(
import json
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config()
api = client.CustomObjectsApi()
G, V, NS, P = "sesame.dev", "v1alpha1", "default", "sandboxes"
out = {}

def body(name):
    return {"apiVersion": "sesame.dev/v1alpha1", "kind": "Sandbox",
            "metadata": {"name": name, "labels": {"via": "python"}},
            "spec": {"provider": "filesystem", "security": {"enabled": False},
                     "command": ["sh", "-c", "echo ready; exec sleep 600"]}}

created = api.create_namespaced_custom_object(G, V, NS, P, body("py-one"))
out["created"] = [created["kind"], created["metadata"]["name"], bool(created["metadata"]["uid"])]
try:
    api.create_namespaced_custom_object(G, V, NS, P, body("py-one"))
except ApiException as e:
    out["duplicate"] = [e.status, json.loads(e.body)["reason"]]
bad = body("py-bad")
bad["spec"]["lifetime"] = {"ttl": "forever"}
try:
    api.create_namespaced_custom_object(G, V, NS, P, bad)
except ApiException as e:
    out["invalid"] = [e.status, [c["field"] for c in json.loads(e.body)["details"]["causes"]]]

api.create_namespaced_custom_object(G, V, NS, P, body("py-two"))
listed = api.list_namespaced_custom_object(G, V, NS, P, label_selector="via=python")
out["listed"] = sorted(i["metadata"]["name"] for i in listed["items"])
out["list_kind"] = listed["kind"]

# Watch from the list's version: the patch below arrives as MODIFIED.
rv = listed["metadata"]["resourceVersion"]
api.patch_namespaced_custom_object(G, V, NS, P, "py-one", {"metadata": {"labels": {"seen": "yes"}}})
w = watch.Watch()
for event in w.stream(api.list_namespaced_custom_object, G, V, NS, P, resource_version=rv,
                      label_selector="via=python", timeout_seconds=60):
    o = event["object"]
    if event["type"] == "MODIFIED" and o["metadata"]["labels"].get("seen") == "yes":
        out["watched"] = [event["type"], o["metadata"]["name"]]
        w.stop()

got = api.get_namespaced_custom_object(G, V, NS, P, "py-one")
out["patched"] = got["metadata"]["labels"]

api.delete_namespaced_custom_object(G, V, NS, P, "py-two")
api.delete_collection_namespaced_custom_object(G, V, NS, P)
out["after_delete"] = sorted(i["metadata"]["name"] for i in
    api.list_namespaced_custom_object(G, V, NS, P, label_selector="via=python")["items"]
    if "deletionTimestamp" not in i["metadata"])
print(json.dumps(out))
)PY";

TEST_F(PythonClientTest, CreateListWatchPatchDeleteWithAToken) {
  std::string tokens = dir_.Write("tokens", "s3cret-token-0123456789 *\n");
  ASSERT_NO_FATAL_FAILURE(StartServer({"--token-file", tokens}, "s3cret-token-0123456789"));
  auto run = Python(kScript);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err << ControllerLogs();
  json out = json::parse(run.out.substr(run.out.rfind('{', run.out.find("\"created\"")) ));
  EXPECT_EQ(out["created"], json({"Sandbox", "py-one", true}));
  EXPECT_EQ(out["duplicate"], json({409, "AlreadyExists"}));
  EXPECT_EQ(out["invalid"], json({422, json::array({"spec.lifetime.ttl"})}));
  EXPECT_EQ(out["listed"], json({"py-one", "py-two"}));
  EXPECT_EQ(out["list_kind"], "SandboxList");
  EXPECT_EQ(out["watched"], json({"MODIFIED", "py-one"}));
  EXPECT_EQ(out["patched"], json({{"via", "python"}, {"seen", "yes"}}));
  EXPECT_EQ(out["after_delete"], json::array());
  EXPECT_TRUE(Eventually([&] { return Get("py-one").is_null() && Get("py-two").is_null(); }, 60000))
      << ControllerLogs();
}

TEST_F(PythonClientTest, AWrongTokenIsRefused) {
  std::string tokens = dir_.Write("tokens", "s3cret-token-0123456789 *\n");
  ASSERT_NO_FATAL_FAILURE(StartServer({"--token-file", tokens}, "not-the-token-0123456789"));
  auto run = Python(R"PY(
from kubernetes import client, config
from kubernetes.client.rest import ApiException
config.load_kube_config()
try:
    client.CustomObjectsApi().list_namespaced_custom_object("sesame.dev", "v1alpha1", "default", "sandboxes")
    print("listed")
except ApiException as e:
    print(e.status)
)PY");
  EXPECT_EQ(run.out, "401\n") << run.err;
}

}  // namespace
}  // namespace sesame::kube
