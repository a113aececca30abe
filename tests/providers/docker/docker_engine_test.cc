// The docker provider's lifecycle against a real engine: create with limits,
// adoption, in-place update, suspend, drift, orphans and engine errors.

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "providers/docker/container_config.h"
#include "specs/quantity.h"
#include "tests/providers/docker/engine_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

using nlohmann::json;

specs::Quantity Q(const char* text) { return *specs::ParseQuantity(text); }

class DockerLifecycleTest : public EngineTest {};

TEST_F(DockerLifecycleTest, CreateAppliesLimitsLabelsAndHashes) {
  SandboxRequest r = Request("limits");
  r.spec.resources.memory = Q("64Mi");
  r.spec.resources.cpu = Q("500m");
  r.spec.resources.pids = 64;
  r.field_hashes = FieldHashes(r.spec);
  Observed o = MustCreate(r);
  EXPECT_EQ(o.state, ResourceState::kRunning) << o.message;
  EXPECT_EQ(o.uid, r.uid);
  EXPECT_EQ(o.key, r.key);
  EXPECT_EQ(o.field_hashes, r.field_hashes);
  ASSERT_TRUE(o.started_at.has_value());

  json inspect = InspectRaw(o.id);
  EXPECT_EQ(inspect["HostConfig"]["Memory"], 64 * 1024 * 1024);
  EXPECT_EQ(inspect["HostConfig"]["NanoCpus"], 500000000);
  EXPECT_EQ(inspect["HostConfig"]["PidsLimit"], 64);
  EXPECT_EQ(inspect["HostConfig"]["RestartPolicy"]["Name"], "no");
  EXPECT_EQ(inspect["Config"]["Labels"]["dev.sesame.uid"], r.uid);
  EXPECT_EQ(inspect["Config"]["Labels"]["dev.sesame.namespace"], "sesame-test");
  EXPECT_EQ(inspect["Config"]["Labels"]["dev.sesame.name"], "limits");
  EXPECT_EQ(inspect["Config"]["WorkingDir"], "/workspace");
}

TEST_F(DockerLifecycleTest, IdleSandboxKeepsRunning) {
  Observed o = MustCreate(Request("idle"));
  std::this_thread::sleep_for(Millis(500));
  EXPECT_EQ(MustObserve(o.uid).state, ResourceState::kRunning);
}

TEST_F(DockerLifecycleTest, DiskLimitAppliedOrExplained) {
  SandboxRequest r = Request("disk");
  r.spec.resources.disk = Q("1Gi");
  Observed o = MustCreate(r);
  EXPECT_EQ(o.state, ResourceState::kRunning);
  json inspect = InspectRaw(o.id);
  bool applied = inspect["HostConfig"].contains("StorageOpt") &&
                 inspect["HostConfig"]["StorageOpt"].is_object() &&
                 inspect["HostConfig"]["StorageOpt"].contains("size");
  if (!applied) {
    EXPECT_NE(o.message.find("disk limit not applied"), std::string::npos) << o.message;
  }
}

TEST_F(DockerLifecycleTest, SecondCreateAdoptsInsteadOfDuplicating) {
  SandboxRequest r = Request("adopt");
  Observed first = MustCreate(r);
  // A controller killed after the create: a new provider, no memory of it.
  provider_ = NewDockerProvider(Options());
  Observed again = MustCreate(r);
  EXPECT_EQ(again.id, first.id);
  Result<std::vector<Observed>> owned = provider_->ListOwned();
  ASSERT_TRUE(owned.ok());
  int mine = 0;
  for (const auto& o : *owned) mine += o.uid == r.uid;
  EXPECT_EQ(mine, 1);
}

TEST_F(DockerLifecycleTest, AdoptsAContainerLeftCreatedAndStartsIt) {
  SandboxRequest r = Request("half");
  CreateParams params;
  params.image = kTestImage;
  params.volume_mount_path = "/data";
  HttpRequest create;
  create.method = "POST";
  create.path = "/containers/create?name=" + ContainerName(r);
  create.body = CreateBody(r, params).dump();
  Result<HttpResponse> made = engine_->Call(create);
  ASSERT_TRUE(made.ok() && made->status == 201) << (made.ok() ? made->body : "");
  std::string id = json::parse(made->body)["Id"];
  // Never started (its creator was killed before the start): absent, so
  // that the reconciler calls Create, which finds it by uid and starts it.
  auto seen = provider_->Observe(r.uid);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_FALSE(seen->has_value());
  Observed o = MustCreate(r);
  EXPECT_EQ(o.id, id);
  EXPECT_EQ(o.state, ResourceState::kRunning);
}

TEST_F(DockerLifecycleTest, UpdateChangesLimitsInPlace) {
  SandboxRequest r = Request("update");
  r.spec.resources.memory = Q("64Mi");
  r.field_hashes = FieldHashes(r.spec);
  Observed o = MustCreate(r);
  ASSERT_TRUE(provider_->capabilities().in_place_fields.count("resources"));

  r.spec.resources.memory = Q("128Mi");
  r.spec.resources.cpu = Q("1");
  r.spec.resources.pids = 100;
  r.field_hashes = FieldHashes(r.spec);
  { Status s = provider_->Update(o, r); ASSERT_TRUE(s.ok()) << s.ToString(); }
  json inspect = InspectRaw(o.id);
  EXPECT_EQ(inspect["HostConfig"]["Memory"], 128 * 1024 * 1024);
  EXPECT_EQ(inspect["HostConfig"]["NanoCpus"], 1000000000);
  EXPECT_EQ(inspect["HostConfig"]["PidsLimit"], 100);
  Observed after = MustObserve(r.uid);
  EXPECT_EQ(after.id, o.id);
  EXPECT_EQ(after.field_hashes, r.field_hashes);

  // The hashes survive a controller restart (the state file).
  provider_ = NewDockerProvider(Options());
  EXPECT_EQ(MustObserve(r.uid).field_hashes, r.field_hashes);

  // Removing a limit in place.
  r.spec.resources.memory.reset();
  r.field_hashes = FieldHashes(r.spec);
  { Status s = provider_->Update(o, r); ASSERT_TRUE(s.ok()) << s.ToString(); }
  EXPECT_EQ(MustObserve(r.uid).field_hashes, r.field_hashes);

  // `docker update` out of band shows as a changed resources hash.
  HttpRequest update;
  update.method = "POST";
  update.path = "/containers/" + o.id + "/update";
  update.body = R"({"PidsLimit": 42})";
  ASSERT_TRUE(engine_->Call(update).ok());
  EXPECT_NE(MustObserve(r.uid).field_hashes["resources"], r.field_hashes["resources"]);
}

TEST_F(DockerLifecycleTest, SuspendPausesAndResumeContinues) {
  Observed o = MustCreate(Request("suspend", {"sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done"}));
  ASSERT_TRUE(provider_->Suspend(o).ok());
  Observed s = MustObserve(o.uid);
  EXPECT_EQ(s.state, ResourceState::kSuspended);
  EXPECT_TRUE(InspectRaw(o.id)["State"]["Paused"].get<bool>());
  ASSERT_TRUE(provider_->Suspend(o).ok());  // idempotent
  ExecRequest exec;
  exec.command = {"true"};
  Streams streams;
  EXPECT_FALSE(provider_->Exec(o, exec, streams).ok());
  ASSERT_TRUE(provider_->Resume(o).ok());
  EXPECT_EQ(MustObserve(o.uid).state, ResourceState::kRunning);
  EXPECT_EQ(MustObserve(o.uid).id, o.id);
  ASSERT_TRUE(provider_->Resume(o).ok());  // idempotent
}

TEST_F(DockerLifecycleTest, ExitIsObservedAndRestartRunsAgain) {
  SandboxRequest r = Request("exit", {"sh", "-c", "echo run >> /workspace/runs; exit 3"});
  Observed o = MustCreate(r);
  Observed done;
  ASSERT_TRUE(WaitFor([&] {
    done = MustObserve(r.uid);
    return done.state == ResourceState::kExited;
  }));
  EXPECT_EQ(done.exit_code, 3);
  EXPECT_NE(done.message.find("exited with code 3"), std::string::npos);
  EXPECT_TRUE(done.finished_at.has_value());
  ASSERT_TRUE(provider_->Restart(done, r).ok());
  ASSERT_TRUE(WaitFor([&] {
    std::ifstream in(r.workspace_dir + "/runs");
    std::string all((std::istreambuf_iterator<char>(in)), {});
    return all == "run\nrun\n";
  }));
  EXPECT_EQ(MustObserve(r.uid).id, o.id);
}

TEST_F(DockerLifecycleTest, DriftRemovedOrStoppedOutOfBand) {
  Observed a = MustCreate(Request("drift-stop"));
  Observed b = MustCreate(Request("drift-rm"));
  HttpRequest stop;
  stop.method = "POST";
  stop.path = "/containers/" + a.id + "/stop?t=1";
  ASSERT_TRUE(engine_->Call(stop).ok());
  Observed stopped = MustObserve(a.uid);
  EXPECT_EQ(stopped.state, ResourceState::kExited);
  EXPECT_TRUE(stopped.exit_code.has_value());
  SandboxRequest ignored;
  ASSERT_TRUE(provider_->Restart(stopped, ignored).ok());
  EXPECT_EQ(MustObserve(a.uid).state, ResourceState::kRunning);

  HttpRequest rm;
  rm.method = "DELETE";
  rm.path = "/containers/" + b.id + "?force=1";
  ASSERT_TRUE(engine_->Call(rm).ok());
  Result<std::optional<Observed>> gone = provider_->Observe(b.uid);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(DockerLifecycleTest, OrphansAreListedAndRemoved) {
  SandboxRequest r = Request("orphan");
  MustCreate(r);
  Result<std::vector<Observed>> owned = provider_->ListOwned();
  ASSERT_TRUE(owned.ok());
  const Observed* orphan = nullptr;
  for (const auto& o : *owned) {
    if (o.uid == r.uid) orphan = &o;
  }
  ASSERT_NE(orphan, nullptr);
  EXPECT_EQ(orphan->key, r.key);
  EXPECT_EQ(orphan->state, ResourceState::kRunning);
  ASSERT_TRUE(provider_->Delete(*orphan).ok());
  ASSERT_TRUE(provider_->Delete(*orphan).ok());  // already gone: fine
  Result<std::optional<Observed>> gone = provider_->Observe(r.uid);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(DockerLifecycleTest, RecreateOnImageChangeKeepsTheVolume) {
  HttpRequest tag;
  tag.method = "POST";
  tag.path = std::string("/images/") + kTestImage + "/tag?repo=sesame-test-busybox&tag=v2";
  ASSERT_TRUE(engine_->Call(tag).ok());
  SandboxRequest r = Request("recreate");
  r.spec.persistence.volume = "sesame-test-vol-" + r.uid.substr(1, 8);
  volumes_.push_back(r.spec.persistence.volume);
  r.field_hashes = FieldHashes(r.spec);
  Observed first = MustCreate(r);
  ExecOut(first, "echo kept > /data/file; echo gone > /tmp/file");

  r.spec.image = "sesame-test-busybox:v2";
  std::map<std::string, std::string> old_hashes = r.field_hashes;
  r.field_hashes = FieldHashes(r.spec);
  EXPECT_NE(old_hashes["image"], r.field_hashes["image"]);
  EXPECT_EQ(provider_->capabilities().in_place_fields.count("image"), 0u);
  ASSERT_TRUE(provider_->Delete(first).ok());
  Observed second = MustCreate(r);
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.field_hashes["image"], r.field_hashes["image"]);
  EXPECT_EQ(ExecOut(second, "cat /data/file"), "kept\n");
  EXPECT_EQ(ExecOut(second, "cat /tmp/file 2>/dev/null || echo none"), "none\n");
}

TEST_F(DockerLifecycleTest, UnknownImageIsAClearError) {
  SandboxRequest r = Request("noimage");
  r.spec.image = "sesame-test-no-such-image:404";
  Result<Observed> o = provider_->Create(r);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("sesame-test-no-such-image:404"), std::string::npos)
      << o.status().message();
  EXPECT_TRUE(o.status().reason() == "ImageNotFound" || o.status().reason() == "ImagePullBackOff")
      << o.status().reason();
  Result<std::optional<Observed>> none = provider_->Observe(r.uid);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(DockerLifecycleTest, MissingDefaultImageNamesTheBuildCommand) {
  DockerOptions options = Options();
  options.default_image = "sesame-sandbox-missing-for-tests:latest";
  provider_ = NewDockerProvider(options);
  SandboxRequest r = Request("noimage-default");
  r.spec.image.clear();
  Result<Observed> o = provider_->Create(r);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), Code::kTerminal);
  EXPECT_EQ(o.status().reason(), "ImageNotFound");
  EXPECT_NE(o.status().message().find(
                "docker build -t sesame-sandbox-missing-for-tests:latest images/sesame-sandbox"),
            std::string::npos)
      << o.status().message();
}

TEST_F(DockerLifecycleTest, UnreachableDaemonIsUnavailable) {
  DockerOptions options = Options();
  options.socket_path = state_root_ + "/no-docker.sock";
  std::unique_ptr<Provider> p = NewDockerProvider(options);
  Result<std::optional<Observed>> o = p->Observe("whatever");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), Code::kUnavailable);
  EXPECT_EQ(o.status().reason(), "DaemonUnavailable");
  EXPECT_NE(o.status().message().find("no-docker.sock"), std::string::npos);
  Result<Observed> c = p->Create(Request("nodaemon"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace sesame::providers::docker::testing
