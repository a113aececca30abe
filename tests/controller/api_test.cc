// The HTTP API through a real server on a loopback port, a real SQLite
// store, and a fake provider for the routes that reach a sandbox.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "controller/api/api_handlers.h"
#include "controller/api/api_server.h"
#include "controller/api/auth.h"
#include "specs/codec.h"
#include "tests/testing/fake_provider.h"
#include "tests/testing/run_command.h"

namespace sesame::controller::api {
namespace {

using nlohmann::json;

constexpr char kSandbox[] = R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: web
  namespace: team-a
  labels: {app: web}
spec:
  command: ["sleep", "60"]
)";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(""); }

  void Start(const std::string& token_file, size_t max_body = 8u << 20) {
    server_.reset();
    if (!store_) {
      auto store = store::Store::Open(dir_.path() + "/state.db");
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      store_ = std::move(store).value();
      auto provider = std::make_unique<testing::FakeProvider>("filesystem");
      provider_ = provider.get();
      registry_.Register(std::move(provider));
    }
    ApiContext context{.store = store_.get(),
                       .registry = &registry_,
                       .on_write = [this] { ++writes_; },
                       .is_leader = [this] { return leader_.load(); },
                       .version = "test"};
    handlers_ = std::make_unique<ApiHandlers>(context);
    ApiServerOptions options;
    options.listen = "127.0.0.1:0";
    options.token_file = token_file;
    options.max_body_bytes = max_body;
    auto server = ApiServer::Start(options, *handlers_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(std::chrono::seconds(30));
  }

  // Applies `body`; every stored sandbox then has a running resource, as
  // if a controller had made it (no controller runs here).
  httplib::Result ApplyYaml(const std::string& body, const std::string& query = "") {
    auto result = client_->Post("/v1/apply" + query, body, "application/yaml");
    store::ListOptions every_sandbox;
    every_sandbox.kind = specs::kKindSandbox;
    auto sandboxes = store_->List(every_sandbox);
    if (sandboxes.ok()) {
      for (const auto& sandbox : *sandboxes) {
        if (provider_->Find(sandbox.metadata.uid)) continue;
        providers::Observed running;
        running.id = "id-" + sandbox.metadata.name;
        running.uid = sandbox.metadata.uid;
        running.state = providers::ResourceState::kRunning;
        provider_->Put(running);
      }
    }
    return result;
  }

  // `count` updates of team-a/web through the store, label n = 0, 1, ...
  void RelabelWeb(int count) {
    auto current = store_->Get({specs::kKindSandbox, "team-a", "web"});
    ASSERT_TRUE(current.ok());
    for (int i = 0; i < count; ++i) {
      specs::Object o = *current;
      o.metadata.labels["n"] = std::to_string(i);
      o.metadata.resource_version = 0;
      current = store_->Update(o);
      ASSERT_TRUE(current.ok());
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  providers::Registry registry_;
  testing::FakeProvider* provider_ = nullptr;  // owned by registry_
  std::unique_ptr<ApiHandlers> handlers_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> writes_{0};
  std::atomic<bool> leader_{true};
};

TEST_F(ApiTest, ApplyDryRunThenForReal) {
  auto dry = ApplyYaml(kSandbox, "?dryRun=true");
  ASSERT_TRUE(dry);
  ASSERT_EQ(dry->status, 200) << dry->body;
  EXPECT_EQ(json::parse(dry->body)["items"][0]["action"], "created");
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/web")->status, 404);
  auto real = ApplyYaml(kSandbox);
  ASSERT_EQ(real->status, 200);
  EXPECT_EQ(json::parse(real->body)["items"][0]["action"], "created");
  EXPECT_EQ(json::parse(ApplyYaml(kSandbox)->body)["items"][0]["action"], "unchanged");
  EXPECT_GE(writes_.load(), 1);
  auto got = client_->Get("/v1/namespaces/team-a/sandboxes/web");
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(json::parse(got->body)["metadata"]["labels"]["app"], "web");
}

TEST_F(ApiTest, InvalidManifestIs422WithLineAndField) {
  std::string bad = std::string(kSandbox) + "  resources: {memory: 4GB}\n";
  auto r = ApplyYaml(bad);
  ASSERT_EQ(r->status, 422) << r->body;
  auto body = json::parse(r->body);
  EXPECT_EQ(body["kind"], "Status");
  EXPECT_EQ(body["reason"], "Invalid");
  auto cause = body["details"]["causes"][0];
  EXPECT_EQ(cause["field"], "spec.resources.memory");
  EXPECT_EQ(cause["line"], 9);
  EXPECT_NE(body["message"].get<std::string>().find("<request>:9:"), std::string::npos);
}

TEST_F(ApiTest, WrongMediaTypeBadJsonAndUnknownRoute) {
  EXPECT_EQ(client_->Post("/v1/apply", kSandbox, "text/plain")->status, 415);
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  EXPECT_EQ(client_->Patch("/v1/namespaces/team-a/sandboxes/web", "{nope", "application/merge-patch+json")->status,
            400);
  EXPECT_EQ(client_->Get("/v1/nothing")->status, 404);
  EXPECT_EQ(client_->Get("/v1/sandboxes?labelSelector=a%20in%20(")->status, 400);
}

TEST_F(ApiTest, BodyOverTheLimitIs413) {
  Start("", 4096);
  auto r = ApplyYaml(std::string(kSandbox) + "# " + std::string(10000, 'x') + "\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["reason"], "RequestEntityTooLarge");
}

TEST_F(ApiTest, PutWithStaleVersionConflicts) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto current = json::parse(client_->Get("/v1/namespaces/team-a/sandboxes/web")->body);
  std::string rv = current["metadata"]["resourceVersion"];
  current["spec"]["suspend"] = true;
  auto put = client_->Put("/v1/namespaces/team-a/sandboxes/web", current.dump(), "application/json");
  ASSERT_EQ(put->status, 200) << put->body;
  // The same body again carries the old resourceVersion.
  auto stale = client_->Put("/v1/namespaces/team-a/sandboxes/web", current.dump(), "application/json");
  EXPECT_EQ(stale->status, 409) << stale->body;
  EXPECT_EQ(json::parse(stale->body)["reason"], "Conflict");
  // The finalizer survives a PUT that leaves it out.
  current = json::parse(put->body);
  EXPECT_EQ(current["metadata"]["finalizers"].size(), 1u);
}

TEST_F(ApiTest, MergePatchChangesOnlyWhatItNames) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto r = client_->Patch("/v1/namespaces/team-a/sandboxes/web",
                          R"({"metadata":{"labels":{"tier":"gold"}},"spec":{"ports":[3000]}})",
                          "application/merge-patch+json");
  ASSERT_EQ(r->status, 200) << r->body;
  auto o = json::parse(r->body);
  EXPECT_EQ(o["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(o["metadata"]["labels"]["tier"], "gold");
  EXPECT_EQ(o["spec"]["ports"][0], 3000);
  EXPECT_EQ(o["metadata"]["generation"], 2);
}

TEST_F(ApiTest, ListDeleteAndEvents) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto list = json::parse(client_->Get("/v1/sandboxes")->body);
  EXPECT_EQ(list["kind"], "SandboxList");
  EXPECT_EQ(list["items"].size(), 1u);
  EXPECT_FALSE(list["metadata"]["resourceVersion"].get<std::string>().empty());
  auto selected = json::parse(client_->Get("/v1/namespaces/team-a/sandboxes?labelSelector=app%3Dother")->body);
  EXPECT_EQ(selected["items"].size(), 0u);
  auto del = client_->Delete("/v1/namespaces/team-a/sandboxes/web");
  ASSERT_EQ(del->status, 200);
  // Held by its finalizer until a controller cleans up.
  EXPECT_TRUE(json::parse(del->body)["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(json::parse(client_->Get("/v1/events")->body)["kind"], "EventList");
}

TEST_F(ApiTest, WatchStreamsABurstWithNothingMissedOrRepeated) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  int64_t from = std::atoll(json::parse(client_->Get("/v1/sandboxes")->body)["metadata"]["resourceVersion"]
                                .get<std::string>()
                                .c_str());
  const int kWrites = 10000;
  std::thread writer([&] { RelabelWeb(kWrites); });
  std::set<int64_t> versions;
  int64_t last = from;
  bool ordered = true;
  std::string buffer;
  httplib::Client watcher("127.0.0.1", server_->port());
  watcher.set_read_timeout(std::chrono::seconds(60));
  watcher.Get("/v1/namespaces/team-a/sandboxes?watch=true&resourceVersion=" + std::to_string(from),
              [&](const char* data, size_t n) {
                buffer.append(data, n);
                for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
                  std::string line = buffer.substr(0, nl);
                  buffer.erase(0, nl + 1);
                  if (line.empty()) continue;
                  auto e = json::parse(line);
                  EXPECT_EQ(e["type"], "MODIFIED");
                  int64_t rv = std::atoll(e["object"]["metadata"]["resourceVersion"].get<std::string>().c_str());
                  ordered = ordered && rv > last;
                  last = rv;
                  versions.insert(rv);
                }
                return versions.size() < static_cast<size_t>(kWrites);
              });
  writer.join();
  EXPECT_EQ(versions.size(), static_cast<size_t>(kWrites));
  EXPECT_TRUE(ordered);
}

TEST_F(ApiTest, WatchFromAPrunedVersionIsGone) {
  // Nothing older than the log's start can be replayed; version 1 of an
  // empty store is in the future, so use a store whose log has moved on.
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto r = client_->Get("/v1/sandboxes?watch=true&resourceVersion=-5");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410) << r->body;
}

TEST_F(ApiTest, ServerSentEventsForBrowsers) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  std::string body;
  httplib::Headers headers = {{"Accept", "text/event-stream"}};
  client_->Get("/v1/sandboxes?watch=true", headers, [&](const char* data, size_t n) {
    body.append(data, n);
    return body.find("\n\n") == std::string::npos;
  });
  EXPECT_EQ(body.rfind("id: ", 0), 0u) << body;
  EXPECT_NE(body.find("event: ADDED\ndata: {"), std::string::npos) << body;
}

TEST_F(ApiTest, LogsExecAndFilesReachTheProvider) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto logs = client_->Get("/v1/namespaces/team-a/sandboxes/web/logs");
  ASSERT_EQ(logs->status, 200);
  EXPECT_EQ(logs->body, "line one\nline two\n");
  auto exec = client_->Post("/v1/namespaces/team-a/sandboxes/web/exec?command=cat&stdin=true", "hi\n",
                            "application/octet-stream");
  ASSERT_EQ(exec->status, 200);
  std::string expected = EncodeFrame(Frame::kStdout, "hi\n") + EncodeFrame(Frame::kStderr, "ran cat\n") +
                         EncodeFrame(Frame::kExit, "7");
  EXPECT_EQ(exec->body, expected);
  EXPECT_EQ(client_->Put("/v1/namespaces/team-a/sandboxes/web/files?path=notes.txt", "hello", "text/plain")->status,
            204);
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/web/files?path=notes.txt")->body, "hello");
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/web/files?path=../../etc/passwd")->status, 403);
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/nope/logs")->status, 404);
}

TEST_F(ApiTest, PreviewOfAPortOpenedLaterAsksTheProvider) {
  httplib::Server app;
  app.Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("from the sandbox's port, q=" + req.get_param_value("q"), "text/plain");
  });
  int port = app.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { app.listen_after_bind(); });
  constexpr int kOpenedLater = 4000;  // not in spec.ports
  provider_->set_preview_url(kOpenedLater, "http://127.0.0.1:" + std::to_string(port));
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto preview = client_->Get("/preview/team-a/web/" + std::to_string(kOpenedLater) + "/hello?q=1");
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->status, 200) << preview->body;
  EXPECT_EQ(preview->body, "from the sandbox's port, q=1");
  auto none = client_->Get("/preview/team-a/web/4001/hello");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404) << none->body;
  app.stop();
  serving.join();
}

TEST_F(ApiTest, TokensScopeNamespaces) {
  std::string file = dir_.Write("tokens", "# team tokens\nteam-a-token-0123456789 team-a\nadmin-token-0123456789ab *\n");
  Start(file);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes")->status, 401);
  httplib::Headers wrong = {{"Authorization", "Bearer not-a-token-at-all-xx"}};
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes", wrong)->status, 401);
  httplib::Headers team = {{"Authorization", "Bearer team-a-token-0123456789"}};
  EXPECT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes", team)->status, 200);
  EXPECT_EQ(client_->Get("/v1/namespaces/team-b/sandboxes", team)->status, 403);
  EXPECT_EQ(client_->Get("/v1/sandboxes", team)->status, 403);
  auto apply = client_->Post("/v1/apply", httplib::Headers(team), std::string(kSandbox), "application/yaml");
  EXPECT_EQ(apply->status, 200) << apply->body;
  std::string other = kSandbox;
  other.replace(other.find("team-a"), 6, "team-b");
  EXPECT_EQ(client_->Post("/v1/apply", team, other, "application/yaml")->status, 403);
  httplib::Headers admin = {{"Authorization", "Bearer admin-token-0123456789ab"}};
  EXPECT_EQ(client_->Get("/v1/sandboxes", admin)->status, 200);
  // The console's list of sandboxes, under the same grants.
  EXPECT_EQ(client_->Get("/console/sandboxes")->status, 401);
  EXPECT_EQ(client_->Get("/console/sandboxes", team)->status, 403);
  EXPECT_EQ(client_->Get("/console/sandboxes?namespace=team-a", team)->status, 200);
  EXPECT_EQ(client_->Get("/console/sandboxes?namespace=team-b", team)->status, 403);
  EXPECT_EQ(client_->Get("/console/sandboxes", admin)->status, 200);
  // The sandboxes page holds its data only for a caller who reads every
  // namespace; the others (and a caller without a token) get the bare page.
  const std::string kData = "id=\"console-data\"";
  auto bare = client_->Get("/");
  ASSERT_EQ(bare->status, 200);
  EXPECT_EQ(bare->body.find(kData), std::string::npos);
  EXPECT_EQ(client_->Get("/", team)->body.find(kData), std::string::npos);
  EXPECT_NE(client_->Get("/", admin)->body.find(kData), std::string::npos);
}

TEST(ApiServerTest, RefusesAPublicAddressWithoutTokens) {
  ApiHandlers handlers(ApiContext{});
  ApiServerOptions options;
  options.listen = "0.0.0.0:0";
  auto server = ApiServer::Start(options, handlers);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("--token-file"), std::string::npos);
}

TEST(AuthTest, ConstantTimeEqualsAndParsing) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  auto no_ns = TokenTable::Parse("sometoken-0123456789\n", "tokens");
  EXPECT_EQ(no_ns.status().message(), "tokens:1: a token needs at least one namespace (or * for all)");
  auto short_token = TokenTable::Parse("short *\n", "tokens");
  EXPECT_FALSE(short_token.ok());
  EXPECT_EQ(short_token.status().message().find("short"), std::string::npos) << "the token leaked";
}

TEST_F(ApiTest, ProbesAndMetrics) {
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  ASSERT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/web")->status, 200);
  ASSERT_EQ(client_->Get("/v1/namespaces/team-a/sandboxes/nope")->status, 404);
  ASSERT_EQ(client_->Get("/no/such/route/abc123")->status, 404);
  auto metrics = client_->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& body = metrics->body;
  auto has = [&](const std::string& line) { return body.find(line) != std::string::npos; };
  EXPECT_TRUE(has("sesame_sandboxes{phase=\"Pending\",provider=\"filesystem\"} 1\n")) << body;
  EXPECT_TRUE(has("# TYPE sesame_api_requests_total counter\n"));
  EXPECT_TRUE(has("sesame_api_requests_total{method=\"POST\",route=\"/v1/apply\",code=\"200\"} 1\n")) << body;
  // Routes are patterns, never raw paths: the two GETs share one route.
  EXPECT_TRUE(has("sesame_api_requests_total{method=\"GET\",route=\"/v1/namespaces/{ns}/sandboxes/{name}\","
                  "code=\"200\"} 1\n")) << body;
  EXPECT_TRUE(has("sesame_api_requests_total{method=\"GET\",route=\"/v1/namespaces/{ns}/sandboxes/{name}\","
                  "code=\"404\"} 1\n")) << body;
  EXPECT_TRUE(has("route=\"other\",code=\"404\"} 1\n")) << body;
  EXPECT_FALSE(has("abc123")) << body;
  EXPECT_FALSE(has("route=\"/v1/namespaces/team-a")) << body;
  EXPECT_TRUE(has("# TYPE sesame_api_request_duration_seconds histogram\n"));
  EXPECT_TRUE(has("sesame_api_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/apply\",le=\"+Inf\"} 1\n"))
      << body;
  EXPECT_TRUE(has("sesame_api_request_duration_seconds_count{method=\"POST\",route=\"/v1/apply\"} 1\n"));
  EXPECT_TRUE(has("sesame_leader 1\n"));
}

TEST_F(ApiTest, ReadyzSaysLeaderOrStandbyAndChecksTheStore) {
  auto ready = client_->Get("/readyz");
  ASSERT_EQ(ready->status, 200) << ready->body;
  auto body = json::parse(ready->body);
  EXPECT_EQ(body["role"], "leader");
  EXPECT_EQ(body["store"], "ok");
  leader_ = false;
  auto standby = client_->Get("/readyz");
  EXPECT_EQ(standby->status, 503);
  body = json::parse(standby->body);
  EXPECT_EQ(body["status"], "standby");
  EXPECT_EQ(body["role"], "standby");
  EXPECT_EQ(body["store"], "ok");
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  // No store to reach: not ready, whatever the role.
  ApiHandlers without_store(ApiContext{.is_leader = [] { return true; }});
  HttpRequest probe;
  probe.method = "GET";
  probe.path = "/readyz";
  auto unreachable = without_store.Handle(probe, [](const std::string&) { return true; });
  EXPECT_EQ(unreachable.status, 503);
  EXPECT_EQ(json::parse(unreachable.body)["status"], "unavailable");
}

TEST(ApiRoutesTest, PatternsForMetrics) {
  EXPECT_EQ(ApiHandlers::RoutePattern("/v1/apply"), "/v1/apply");
  EXPECT_EQ(ApiHandlers::RoutePattern("/v1/sandboxes"), "/v1/sandboxes");
  EXPECT_EQ(ApiHandlers::RoutePattern("/v1/namespaces/a/templates"), "/v1/namespaces/{ns}/templates");
  EXPECT_EQ(ApiHandlers::RoutePattern("/v1/namespaces/a/sandboxes/b"), "/v1/namespaces/{ns}/sandboxes/{name}");
  EXPECT_EQ(ApiHandlers::RoutePattern("/v1/namespaces/a/sandboxes/b/exec"),
            "/v1/namespaces/{ns}/sandboxes/{name}/exec");
  EXPECT_EQ(ApiHandlers::RoutePattern("/preview/a/b/3000/x/y"), "/preview/{ns}/{name}/{port}/{path}");
  EXPECT_EQ(ApiHandlers::RoutePattern("/etc/passwd"), "other");
}

// Eight clients read, change and write one object with its resourceVersion,
// retrying on 409: every increment lands (no lost update).
TEST_F(ApiTest, ConcurrentWritersLoseNoUpdate) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  const int kWriters = 8, kIncrements = 25;
  std::atomic<int> conflicts{0}, failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(std::chrono::seconds(30));
      for (int done = 0; done < kIncrements;) {
        auto got = client.Get("/v1/namespaces/team-a/sandboxes/web");
        if (!got || got->status != 200) {
          ++failures;
          return;
        }
        auto object = json::parse(got->body);
        int n = std::atoi(object["metadata"]["labels"].value("count", "0").c_str());
        object["metadata"]["labels"]["count"] = std::to_string(n + 1);
        auto put = client.Put("/v1/namespaces/team-a/sandboxes/web", object.dump(), "application/json");
        if (put && put->status == 200) {
          ++done;
        } else if (put && put->status == 409) {
          ++conflicts;
        } else {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto final_object = json::parse(client_->Get("/v1/namespaces/team-a/sandboxes/web")->body);
  EXPECT_EQ(final_object["metadata"]["labels"]["count"], std::to_string(kWriters * kIncrements))
      << conflicts.load() << " conflicts";
  EXPECT_EQ(final_object["metadata"]["labels"]["app"], "web");
}

// Lists are written from the stored columns: the same text the JSON
// library makes of the decoded objects, and the same body for every
// request until something is written.
TEST_F(ApiTest, ListTextEqualsTheDecodedObjectsEncoded) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto o = store_->Get({specs::kKindSandbox, "team-a", "web"});
  ASSERT_TRUE(o.ok());
  o->status = R"({"conditions":[{"message":"a \"quoted\"\nline","status":"True","type":"Ready"}],"phase":"Running"})";
  o->metadata.annotations["note"] = "tab\tand \\ backslash";
  o->metadata.resource_version = 0;
  ASSERT_TRUE(store_->Update(*o).ok());
  ASSERT_TRUE(store_->UpdateStatus(*o).ok());
  auto rv = store_->CurrentResourceVersion();
  auto items = store_->List({specs::kKindSandbox, "", {}});
  ASSERT_TRUE(items.ok());
  auto first = client_->Get("/v1/sandboxes");
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(first->body, specs::ListToJson(specs::kKindSandbox, *items, *rv, false) + "\n");
  EXPECT_EQ(client_->Get("/v1/sandboxes")->body, first->body);
  auto one = json::parse(client_->Get("/v1/namespaces/team-a/sandboxes?fieldSelector=metadata.name%3Dweb")->body);
  EXPECT_EQ(one["items"].size(), 1u);
  auto none = json::parse(client_->Get("/v1/namespaces/team-a/sandboxes?fieldSelector=metadata.name%3Dother")->body);
  EXPECT_EQ(none["items"].size(), 0u);
  EXPECT_EQ(client_->Get("/v1/sandboxes?fieldSelector=spec.x%3Dy")->status, 400);
  // A write makes the next list new.
  o = store_->Get({specs::kKindSandbox, "team-a", "web"});
  o->metadata.labels["app"] = "changed";
  ASSERT_TRUE(store_->Update(*o).ok());
  auto after = json::parse(client_->Get("/v1/sandboxes")->body);
  EXPECT_EQ(after["items"][0]["metadata"]["labels"]["app"], "changed");
}

// The console's sandboxes page lists each sandbox cut down to what its
// table shows, at the same version as the whole list (it watches from
// there), and cached apart from it.
TEST_F(ApiTest, ConsoleListHoldsWhatTheTableShowsAtTheListsVersion) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  auto o = store_->Get({specs::kKindSandbox, "team-a", "web"});
  ASSERT_TRUE(o.ok());
  o->status = json{{"conditions", {{{"message", "a long explanation"}, {"reason", "Started"}, {"status", "True"},
                                    {"type", "Ready"}},
                                   {{"status", "True"}, {"type", "Provisioned"}}}},
                   {"endpoints", {{{"port", 8080}, {"url", "http://127.0.0.1:1234/</script><!--"}}}},
                   {"expiresAt", "2030-01-01T00:00:00Z"},
                   {"phase", "Running"},
                   {"providerRef", {{"id", "abc"}, {"provider", "filesystem"}}},
                   {"restarts", 2}}
                  .dump();
  ASSERT_TRUE(store_->UpdateStatus(*o).ok());
  auto whole = json::parse(client_->Get("/v1/sandboxes")->body);
  auto cut = client_->Get("/console/sandboxes");
  ASSERT_EQ(cut->status, 200) << cut->body;
  auto rows = json::parse(cut->body);
  EXPECT_EQ(rows["kind"], "SandboxList");
  EXPECT_EQ(rows["metadata"]["resourceVersion"], whole["metadata"]["resourceVersion"]);
  ASSERT_EQ(rows["items"].size(), 1u);
  const json& full = whole["items"][0];
  json expected = {
      {"metadata",
       {{"name", "web"}, {"namespace", "team-a"}, {"labels", {{"app", "web"}}},
        {"creationTimestamp", full["metadata"].at("creationTimestamp")}}},
      {"spec", {{"provider", full["spec"].at("provider")}, {"suspend", false}}},
      {"status",
       {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
        {"endpoints", {{{"port", 8080}, {"url", "http://127.0.0.1:1234/</script><!--"}}}},
        {"expiresAt", "2030-01-01T00:00:00Z"}, {"providerRef", {{"provider", "filesystem"}}}, {"restarts", 2}}}};
  EXPECT_EQ(rows["items"][0], expected);
  EXPECT_EQ(json::parse(client_->Get("/console/sandboxes?namespace=team-b")->body)["items"].size(), 0u);
  EXPECT_EQ(json::parse(client_->Get("/console/sandboxes?namespace=team-a")->body)["items"].size(), 1u);
  EXPECT_EQ(client_->Post("/console/sandboxes", "", "application/json")->status, 405);
  // The sandboxes page holds the same list and the session in a data block
  // that no text of the list can close, and is never stored.
  auto page = client_->Get("/");
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");
  const std::string open = R"(<script type="application/json" id="console-data">)";
  size_t from = page->body.find(open);
  ASSERT_NE(from, std::string::npos) << page->body;
  from += open.size();
  size_t to = page->body.find("</script>", from);
  ASSERT_NE(to, std::string::npos);
  auto data = json::parse(page->body.substr(from, to - from));
  EXPECT_EQ(data["sandboxes"], rows);
  EXPECT_EQ(data["session"]["grants"][0]["namespace"], "*");
  EXPECT_EQ(page->body.find("<!--", from), std::string::npos);
  // A write makes both lists new; each keeps its own form.
  o = store_->Get({specs::kKindSandbox, "team-a", "web"});
  o->metadata.labels["app"] = "changed";
  o->metadata.resource_version = 0;
  ASSERT_TRUE(store_->Update(*o).ok());
  rows = json::parse(client_->Get("/console/sandboxes")->body);
  EXPECT_EQ(rows["items"][0]["metadata"]["labels"]["app"], "changed");
  EXPECT_FALSE(rows["items"][0]["metadata"].contains("uid"));
  auto after = json::parse(client_->Get("/v1/sandboxes")->body);
  EXPECT_EQ(after["items"][0]["metadata"]["labels"]["app"], "changed");
  EXPECT_TRUE(after["items"][0]["metadata"].contains("uid"));
  EXPECT_EQ(rows["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"]);
}

// Many watchers of one burst each see every change once, in order, with
// the same text.
TEST_F(ApiTest, ManyWatchersSeeEveryChangeInOrder) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  int64_t from = std::atoll(json::parse(client_->Get("/v1/sandboxes")->body)["metadata"]["resourceVersion"]
                                .get<std::string>()
                                .c_str());
  const int kWatchers = 20, kWrites = 300;
  std::vector<std::vector<std::string>> seen(kWatchers);
  std::vector<std::thread> watchers;
  std::atomic<int> started{0};
  for (int w = 0; w < kWatchers; ++w) {
    watchers.emplace_back([&, w] {
      httplib::Client c("127.0.0.1", server_->port());
      c.set_read_timeout(std::chrono::seconds(120));
      std::string buffer;
      ++started;
      c.Get("/v1/namespaces/team-a/sandboxes?watch=true&resourceVersion=" + std::to_string(from),
            [&](const char* data, size_t n) {
              buffer.append(data, n);
              for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
                if (nl > 0) seen[w].push_back(buffer.substr(0, nl));
                buffer.erase(0, nl + 1);
              }
              return seen[w].size() < static_cast<size_t>(kWrites);
            });
    });
  }
  RelabelWeb(kWrites);
  for (auto& t : watchers) t.join();
  for (int w = 0; w < kWatchers; ++w) {
    ASSERT_EQ(seen[w].size(), static_cast<size_t>(kWrites)) << "watcher " << w;
    for (int i = 0; i < kWrites; ++i) {
      auto e = json::parse(seen[w][i]);
      ASSERT_EQ(e["object"]["metadata"]["labels"]["n"], std::to_string(i)) << "watcher " << w;
    }
    EXPECT_EQ(seen[w], seen[0]);
  }
}

TEST_F(ApiTest, WatchEndsAtTimeoutSeconds) {
  ASSERT_EQ(ApplyYaml(kSandbox)->status, 200);
  std::string body;
  auto r = client_->Get("/v1/sandboxes?watch=true&timeoutSeconds=1", [&](const char* data, size_t n) {
    body.append(data, n);
    return true;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(body.find("\"type\":\"ADDED\""), std::string::npos) << body;
}

}  // namespace
}  // namespace sesame::controller::api
