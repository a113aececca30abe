#include "tests/providers/docker/engine_fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

namespace sesame::providers::docker::testing {
namespace {

namespace fs = std::filesystem;

std::string RandomHex(int n) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < n; ++i) out += kHex[rng() % 16];
  return out;
}

}  // namespace

std::string TestSocket() {
  const char* s = std::getenv("SESAME_TEST_DOCKER_SOCKET");
  return s && *s ? s : "/var/run/docker.sock";
}

bool WaitFor(const std::function<bool()>& done, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return done();
}

void EngineTest::SetUp() {
  scratch_ = (fs::temp_directory_path() / ("sesame-docker-test-" + RandomHex(8))).string();
  state_root_ = scratch_ + "/state";
  fs::create_directories(state_root_);
  engine_ = std::make_unique<EngineClient>(TestSocket(), Millis(30000));
  Result<std::string> version = engine_->ApiVersion();
  ASSERT_TRUE(version.ok()) << "no Docker engine at " << TestSocket() << ": "
                            << version.status().ToString()
                            << "\nRun scripts/setup-docker-for-tests (as root) first.";
  HttpRequest image;
  image.path = std::string("/images/") + kTestImage + "/json";
  Result<HttpResponse> r = engine_->Call(image);
  ASSERT_TRUE(r.ok() && r->status == 200)
      << kTestImage << " is missing; run scripts/setup-docker-for-tests";
  provider_ = NewDockerProvider(Options());
}

void EngineTest::TearDown() {
  if (provider_) {
    for (const auto& uid : uids_) {
      Observed o;
      o.uid = uid;
      EXPECT_TRUE(provider_->Delete(o).ok());
      EXPECT_TRUE(provider_->Purge(o).ok());
    }
  }
  for (const auto& volume : volumes_) {
    HttpRequest rm;
    rm.method = "DELETE";
    rm.path = "/volumes/" + volume;
    (void)engine_->Call(rm);
  }
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

DockerOptions EngineTest::Options() const {
  DockerOptions o;
  o.socket_path = TestSocket();
  o.state_root = state_root_;
  o.volume_mount_path = "/data";
  o.stop_timeout = Millis(2000);
  o.guard_command = {SESAME_TEST_DOCKER_GUARD};
  return o;
}

SandboxRequest EngineTest::Request(const std::string& name, std::vector<std::string> command) {
  SandboxRequest r;
  r.key = {"Sandbox", "sesame-test", name};
  r.uid = "t" + RandomHex(15);
  r.generation = 1;
  r.spec.provider = "docker";
  r.spec.image = kTestImage;
  r.spec.command = std::move(command);
  r.workspace_dir = scratch_ + "/ws-" + name;
  r.field_hashes = FieldHashes(r.spec);
  uids_.push_back(r.uid);
  return r;
}

SandboxRequest EngineTest::SecuredRequest(const std::string& name, std::vector<std::string> command,
                                          std::vector<std::string> allowed_domains) {
  SandboxRequest r = Request(name, std::move(command));
  r.policy.enabled = true;
  r.policy.network.allowed_domains = std::move(allowed_domains);
  return r;
}

Observed EngineTest::MustCreate(const SandboxRequest& request) {
  Result<Observed> o = provider_->Create(request);
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : Observed{};
}

Observed EngineTest::MustObserve(const std::string& uid) {
  Result<std::optional<Observed>> o = provider_->Observe(uid);
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o.ok() && o->has_value()) << "no container for " << uid;
  return o.ok() && o->has_value() ? **o : Observed{};
}

nlohmann::json EngineTest::InspectRaw(const std::string& id) {
  HttpRequest inspect;
  inspect.path = "/containers/" + id + "/json";
  Result<HttpResponse> r = engine_->Call(inspect);
  EXPECT_TRUE(r.ok() && r->status == 200);
  return r.ok() ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

std::string EngineTest::ExecOut(const Observed& o, const std::string& script, int* code) {
  ExecRequest exec;
  exec.command = {"sh", "-c", script};
  std::string out;
  Streams streams;
  streams.on_stdout = [&out](std::string_view d) { out.append(d); };
  Result<int> c = provider_->Exec(o, exec, streams);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (code != nullptr) *code = c.ok() ? *c : -1;
  return out;
}

}  // namespace sesame::providers::docker::testing
