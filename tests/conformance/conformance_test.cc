// The conformance suite: each provider (filesystem and docker on this
// machine's kernel and engine; e2b, daytona and vercel against in-process
// fakes of their APIs), with sandbox security on and off, is driven the way
// a user drives it — the built `sesame` binary and a running controller,
// never provider classes — through one check per row of DESIGN.md's
// feature and security tables. A cell fails where what the sandbox does
// differs from what the provider's capabilities (GET /v1/providers)
// promise. The observed matrix is printed at the end (and written to
// conformance-matrix.md in the working directory); the README's provider
// table is that output.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "tests/conformance/matrix.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/providers/fakes/daytona_fake.h"
#include "tests/providers/fakes/e2b_fake.h"
#include "tests/providers/fakes/vercel_fake.h"

namespace sesame::conformance {
namespace {

using nlohmann::json;

constexpr char kName[] = "conf";
constexpr char kBusyboxImage[] = "sesame-test-busybox:latest";

struct Param {
  const char* provider;
  bool security;
};

struct Http {
  int code = 0;  // 0: no HTTP answer at all
  std::string body;
};

// One request with curl (the test speaks to the controller as any client).
Http Request(const std::string& method, const std::string& url, const std::string& body = "") {
  std::vector<std::string> argv = {"curl", "-s", "-m", "20", "-X", method, "-w", "\n%{http_code}", url};
  if (method == "PUT" || method == "PATCH" || method == "POST") {
    argv.insert(argv.end(), {"--data-binary", "@-", "-H",
                             method == "PATCH" ? "Content-Type: application/merge-patch+json"
                                               : "Content-Type: application/octet-stream"});
  }
  auto r = testing::RunCommand(argv, {}, body);
  Http h;
  size_t nl = r.out.rfind('\n');
  if (nl == std::string::npos) return h;
  h.code = std::atoi(r.out.c_str() + nl + 1);
  h.body = r.out.substr(0, nl);
  return h;
}

std::string Join(const json& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out;
}

class ConformanceTest : public e2e::E2eTest, public ::testing::WithParamInterface<Param> {
 protected:
  void SetUp() override {
    provider_ = GetParam().provider;
    security_ = GetParam().security;
    extra_env_["SANDBOX_SECURITY_ENABLED"] = security_ ? "true" : "false";
    port_ = 20000 + static_cast<int>(::getpid() % 20000);
    StartFakes();
    controller_ = StartController();
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
    Http providers = Request("GET", url_ + "/v1/providers");
    ASSERT_EQ(providers.code, 200) << providers.body;
    const json list = json::parse(providers.body);
    for (const auto& p : list["items"]) {
      if (p["name"] == provider_) caps_ = p["capabilities"];
    }
    ASSERT_TRUE(caps_.is_object()) << provider_ << " is not registered: " << providers.body;
  }

  // The cloud providers talk to fakes in this process.
  void StartFakes() {
    if (provider_ == "e2b") {
      e2b_ = std::make_unique<fakes::E2bFake>("e2b-key");
      auto base = e2b_->exec;
      e2b_->exec = [base](fakes::E2bSandbox& s, const std::vector<std::string>& args) {
        if (!args.empty() && args.back().find("conformance-out") != std::string::npos) {
          return fakes::ExecOutput{"conformance-out\n", "", 0, false};
        }
        return base(s, args);
      };
      e2b_->Start();
      extra_env_["E2B_API_KEY"] = "e2b-key";
      extra_env_["E2B_API_URL"] = e2b_->url();
      extra_env_["E2B_ENVD_URL"] = e2b_->url();
    } else if (provider_ == "daytona") {
      daytona_ = std::make_unique<fakes::DaytonaFake>("daytona-key");
      daytona_->Start();
      extra_env_["DAYTONA_API_KEY"] = "daytona-key";
      extra_env_["DAYTONA_API_URL"] = daytona_->url() + "/api";
    } else if (provider_ == "vercel") {
      vercel_ = std::make_unique<fakes::VercelFake>("vercel-token", "team_conf");
      auto base = vercel_->exec;
      vercel_->exec = [base](fakes::VercelSandbox& s, const std::vector<std::string>& argv) {
        for (const auto& a : argv) {
          if (a.find("conformance-out") != std::string::npos) return fakes::ExecOutput{"conformance-out\n", "", 0, false};
        }
        return base(s, argv);
      };
      vercel_->Start();
      extra_env_["VERCEL_TOKEN"] = "vercel-token";
      extra_env_["VERCEL_TEAM_ID"] = "team_conf";
      extra_env_["VERCEL_PROJECT_ID"] = "prj_conf";
      extra_env_["VERCEL_API_URL"] = vercel_->url();
    }
  }

  void TearDown() override {
    // Nothing outlives the test, whatever failed: the controller removes
    // the sandbox (a docker container is not in this test's directory).
    if (controller_ && !Get(kName).is_null()) {
      Sesame({"delete", "sandbox", kName});
      Sesame({"wait", std::string("sandbox/") + kName, "--for=delete", "--timeout", "60s"});
    }
  }

  // The sandbox under test; a `recreated` one has another command.
  std::string Manifest(bool recreated = false) const {
    const std::string variant = recreated ? "v" : "";
    std::string p = std::to_string(port_);
    std::string spec = "  provider: " + provider_ + "\n  ports: [" + p + "]\n";
    if (provider_ == "filesystem") {
      // The session says which memory rlimit it got, then serves.
      spec += "  command: [\"sh\", \"-c\", \"grep -h 'Max data size' /proc/self/limits; exec busybox httpd -f -p "
              "127.0.0.1:" + p + " -h .\"]\n";
      spec += "  resources: {cpu: \"1\", memory: 256Mi, pids: 256}\n";
    } else if (provider_ == "docker") {
      spec += std::string("  image: ") + kBusyboxImage + "\n";
      // A variant adds -v: a new command, which recreates the container.
      spec += "  command: [\"httpd\", \"-f\", \"-p\", \"" + p + "\", \"-h\", \"/\"" +
              (variant.empty() ? "" : ", \"-v\"") + "]\n";
      spec += "  resources: {cpu: \"1\", memory: 256Mi, pids: 256}\n  persistence: {volume: conformance}\n";
    } else if (provider_ == "e2b") {
      spec += "  image: node\n  command: [\"sleep\", \"600\"]\n";
    } else if (provider_ == "daytona") {
      spec += "  image: debian:12\n  resources: {cpu: \"2\", memory: 2Gi, disk: 10Gi}\n  command: [\"sleep\", \"600\"]\n";
    } else if (provider_ == "vercel") {
      spec += "  runtime: node22\n  resources: {cpu: \"2\"}\n  command: [\"sleep\", \"600\"]\n";
    }
    return std::string("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: ") + kName +
           "}\nspec:\n" + spec;
  }

  void ApplyAndWait(const std::string& yaml) {
    Apply(yaml);
    auto wait = Sesame({"wait", std::string("sandbox/") + kName, "--timeout", "120s"});
    ASSERT_EQ(wait.exit_code, 0) << wait.err << Sesame({"describe", "sandbox", kName}).out << ControllerLogs();
  }

  std::string Id() {
    json j = Get(kName);
    return j.is_null() ? "" : j["status"].value("providerRef", json::object()).value("id", "");
  }

  json Condition(const std::string& type) {
    json j = Get(kName);
    if (j.is_null()) return nullptr;
    for (const auto& c : j["status"].value("conditions", json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return nullptr;
  }

  std::string FilesUrl(const std::string& path) const {
    return url_ + "/v1/namespaces/default/sandboxes/" + kName + "/files?path=" + path;
  }

  void Record(const std::string& row, const std::string& promised, const std::string& observed, bool ok) {
    std::string column = provider_ + (security_ ? " (secured)" : " (unsecured)");
    Matrix::Get().Set(column, row, {promised, observed, ok});
    EXPECT_TRUE(ok) << provider_ << ", security " << (security_ ? "on" : "off") << ", " << row
                    << ": promised " << promised << ", observed " << observed;
  }

  std::string provider_;
  bool security_ = true;
  int port_ = 0;
  std::string url_;
  json caps_;
  std::unique_ptr<fakes::E2bFake> e2b_;
  std::unique_ptr<fakes::DaytonaFake> daytona_;
  std::unique_ptr<fakes::VercelFake> vercel_;
  std::unique_ptr<testing::BackgroundProcess> controller_;
};

TEST_P(ConformanceTest, KeepsWhatItsCapabilitiesPromise) {
  ApplyAndWait(Manifest());
  bool secured = security_ && caps_.value("osSecurity", false);
  std::string isolation = caps_.value("osSecurity", false) ? (security_ ? "enforced" : "off") : "provider's";

  // output streaming: every provider streams a command's output.
  {
    auto r = Sesame({"exec", kName, "--", "echo", "conformance-out"});
    Record("output streaming", "yes", r.out.find("conformance-out") != std::string::npos ? "yes" : "no",
           r.out.find("conformance-out") != std::string::npos);
  }
  // stdin: the input reaches the command, or a clear error says why not.
  {
    bool promised = caps_.value("stdin", false);
    auto r = Sesame({"exec", "-i", kName, "--", "cat"}, "conformance-in\n");
    std::string observed = r.out.find("conformance-in") != std::string::npos ? "yes"
                           : r.exit_code != 0 && r.err.find("stdin") != std::string::npos
                               ? "no (clear error)"
                               : "no (exit " + std::to_string(r.exit_code) + ": " + r.err + ")";
    Record("stdin", promised ? "yes" : "no (clear error)", observed,
           observed == (promised ? "yes" : "no (clear error)"));
  }
  // port previews: the declared port's endpoint, and a preview of a port
  // the sandbox was not declared with.
  {
    std::string promised = caps_.value("ports", "none");
    std::string endpoint;
    Eventually([&] {
      json j = Get(kName);
      for (const auto& e : j["status"].value("endpoints", json::array())) {
        if (e.value("port", 0) == port_) endpoint = e.value("url", "");
      }
      return !endpoint.empty();
    }, 20000);
    bool localhost = false;
    if (endpoint.rfind("http://127.0.0.1:", 0) == 0) {
      localhost = Eventually([&] { return Request("GET", endpoint + "/").code > 0; }, 20000);
    }
    Http preview = Request("GET", url_ + "/preview/default/" + kName + "/" + std::to_string(port_ + 1) + "/");
    int undeclared = preview.code;
    bool dynamic = undeclared != 404 && undeclared != 0;
    std::string observed;
    for (auto [on, word] : {std::pair{localhost, "localhost"}, {dynamic, "dynamic"}, {!endpoint.empty(), "declared"}}) {
      if (on) observed += (observed.empty() ? "" : "+") + std::string(word);
    }
    if (observed.empty()) observed = "none";
    if (!dynamic && promised == "dynamic") observed += " (undeclared port: " + std::to_string(undeclared) + " " + preview.body + ")";
    bool ok = promised == "localhost"  ? localhost
              : promised == "dynamic"  ? dynamic
              : promised == "declared" ? !endpoint.empty() && undeclared == 404
                                       : endpoint.empty();
    Record("port previews", promised, observed, ok);
  }
  // file operations: write and read back through the API.
  {
    bool promised = caps_.value("fileOps", false);
    Http put = Request("PUT", FilesUrl("conformance.txt"), "conformance-file");
    Http get = Request("GET", FilesUrl("conformance.txt"));
    bool works = put.code / 100 == 2 && get.code == 200 && get.body == "conformance-file";
    Record("file operations", promised ? "yes" : "no", works ? "yes" : "no (" + std::to_string(put.code) + ")",
           works == promised);
  }
  // images: the sandbox runs what spec.image (or spec.runtime) names.
  {
    std::string promised = caps_.value("images", "");
    std::string observed = "n/a";
    if (provider_ == "docker") {
      auto r = testing::RunCommand({"docker", "inspect", "-f", "{{.Config.Image}}", Id()});
      observed = r.out.find(kBusyboxImage) == 0 ? "image" : "other image: " + r.out;
    } else if (e2b_) {
      auto s = e2b_->sandbox(Id());
      observed = s && s->template_id == "node" ? "image" : "other template";
    } else if (daytona_) {
      auto s = daytona_->sandbox(Id());
      observed = s && s->dockerfile.find("FROM debian:12") != std::string::npos ? "image" : "other image";
    } else if (vercel_) {
      auto sandboxes = vercel_->sandboxes();
      observed = !sandboxes.empty() && sandboxes.back().runtime == "node22" ? "runtime" : "other runtime";
    }
    Record("images", promised.empty() ? "n/a" : promised, observed, observed == (promised.empty() ? "n/a" : promised));
  }
  // resources: the limits the spec asks for, as the provider applied them.
  {
    std::string promised = caps_["resources"].empty() ? "template" : Join(caps_["resources"]);
    std::string observed = "template";
    if (provider_ == "docker") {
      auto r = testing::RunCommand({"docker", "inspect", "-f",
                                    "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}", Id()});
      observed = r.out == "1000000000 268435456 256\n" ? "cpu, memory, pids" : "docker: " + r.out;
    } else if (provider_ == "filesystem") {
      // The session's cgroup (which its supervisor recorded) and rlimits.
      json state;
      for (const auto& entry : std::filesystem::directory_iterator(home() + "/run")) {
        state = json::parse(std::ifstream(entry.path() / "state.json"), nullptr, false);
      }
      auto line_of = [](const std::string& file, const std::string& prefix) {
        std::ifstream in(file);
        for (std::string line; std::getline(in, line);) {
          if (line.rfind(prefix, 0) == 0) return line;
        }
        return std::string();
      };
      std::string cgroup = state.is_object() ? state.value("cgroup", "") : "";
      std::string data = Sesame({"logs", kName}).out;
      json applied = json::array();
      if (!cgroup.empty() && line_of(cgroup + "/cpu.max", "").rfind("100000 ", 0) == 0) applied.push_back("cpu");
      if (line_of(cgroup + "/memory.max", "") == "268435456" || data.find("268435456") != std::string::npos) {
        applied.push_back("memory");
      }
      if (!cgroup.empty() && line_of(cgroup + "/pids.max", "") == "256") applied.push_back("pids");
      observed = applied.empty() ? "none" : Join(applied);
    } else if (daytona_) {
      auto s = daytona_->sandbox(Id());
      observed = s && s->cpu == 2 && s->memory == 2 && s->disk == 10 ? "cpu, disk, memory" : "other resources";
    } else if (vercel_) {
      auto sandboxes = vercel_->sandboxes();
      observed = !sandboxes.empty() && sandboxes.back().vcpus == 2 ? "cpu" : "other vCPUs";
    }
    Record("resources", promised, observed, observed == promised);
  }
  // OS-level sandboxing: the SecurityEnforced condition.
  {
    json c = Condition("SecurityEnforced");
    std::string observed = c.is_null()                       ? "provider's"
                           : c.value("status", "") == "True" ? "enforced"
                           : c.value("reason", "") == "DisabledByAdmin" ? "off"
                                                                        : "not enforced: " + c.dump();
    Record("OS-level sandboxing", isolation, observed, observed == isolation);
  }
  // filesystem restrictions: a write outside the writable roots.
  {
    std::string observed = "provider's";
    if (provider_ == "filesystem") {
      std::string outside = dir_.path() + "/outside";
      std::filesystem::create_directories(outside);
      ::chmod(outside.c_str(), 0777);
      Sesame({"exec", kName, "--", "sh", "-c", "echo x > " + outside + "/probe"});
      observed = std::filesystem::exists(outside + "/probe") ? "off" : "enforced";
    } else if (provider_ == "docker") {
      auto r = Sesame({"exec", kName, "--", "sh", "-c", "touch /etc/conformance-probe && echo wrote"});
      observed = r.out.find("wrote") != std::string::npos ? "off" : "enforced";
    }
    Record("filesystem restrictions", isolation, observed, observed == isolation);
  }
  // network restrictions: a connection to a server on this host, which
  // only the filtering proxy could allow (and does not).
  {
    std::string observed = "provider's";
    if (provider_ == "filesystem" || provider_ == "docker") {
      std::string host = "127.0.0.1";
      if (provider_ == "docker") {
        // The host's address on the engine's default bridge.
        auto ip = testing::RunCommand({"ip", "-4", "-o", "addr", "show", "docker0"});
        size_t at = ip.out.find("inet ");
        ASSERT_NE(at, std::string::npos) << "no docker0 bridge on this host: " << ip.out << ip.err;
        host = ip.out.substr(at + 5, ip.out.find('/', at) - at - 5);
      }
      std::string served = dir_.Write("served/probe.txt", "conformance-net\n");
      std::string listen = host + ":" + std::to_string(port_ + 2);
      testing::BackgroundProcess server({"busybox", "httpd", "-f", "-p", listen, "-h", dir_.path() + "/served"}, {},
                                        dir_.path() + "/httpd.log");
      Eventually([&] { return Request("GET", "http://" + listen + "/probe.txt").code == 200; }, 10000);
      // Directly, and through the proxy where the sandbox has one (busybox
      // nc: the static busybox's wget cannot resolve names in a container).
      std::string script = "req() { printf \"GET $1 HTTP/1.0\\r\\n\\r\\n\" | busybox nc -w 5 $2 $3; }; req /probe.txt " +
                           host + " " + std::to_string(port_ + 2) +
                           "; [ -n \"$http_proxy\" ] && req http://" + listen + "/probe.txt 127.0.0.1 ${http_proxy##*:}";
      auto r = Sesame({"exec", kName, "--", "sh", "-c", script});
      observed = r.out.find("conformance-net") != std::string::npos ? "off" : "enforced";
    }
    Record("network restrictions", isolation, observed, observed == isolation);
  }
  // violation monitoring: the attempts above are in `sesame get violations`.
  {
    bool promised = security_ && caps_.value("violationMonitoring", false);
    std::string table;
    bool seen = Eventually([&] {
      table = Sesame({"get", "violations", kName}).out;
      return table.find(kName) != std::string::npos;
    }, promised ? 30000 : 2000);
    Record("violation monitoring", promised ? "yes" : "no", seen ? "yes" : "no", seen == promised);
  }
  // persistence: what a sandbox's files outlive.
  {
    std::string promised = caps_.value("persistence", "none");
    std::string observed;
    if (promised == "hostDirectory") {
      Sesame({"exec", kName, "--", "sh", "-c", "echo kept > persisted.txt"});
      std::string line;
      std::getline(std::ifstream(home() + "/sandboxes/default/" + kName + "/persisted.txt"), line);
      observed = line == "kept" ? "hostDirectory" : "not on the host";
    } else if (promised == "volume") {
      Sesame({"exec", kName, "--", "sh", "-c", "echo kept > /home/sesame/persisted.txt"});
      std::string before = Id();
      ApplyAndWait(Manifest(/*recreated=*/true));  // a new command: a new container
      Eventually([&] { return Id() != before && !Id().empty(); }, 60000);
      auto r = Sesame({"exec", kName, "--", "cat", "/home/sesame/persisted.txt"});
      observed = Id() != before && r.out == "kept\n" ? "volume" : "lost (" + r.out + r.err + ")";
    } else if (promised == "untilCleanup") {
      Request("PUT", FilesUrl("persisted.txt"), "kept");
      Request("PATCH", url_ + "/v1/namespaces/default/sandboxes/" + kName, R"({"spec":{"suspend":true}})");
      bool suspended = Eventually([&] { return Phase(kName) == "Suspended"; }, 60000);
      Request("PATCH", url_ + "/v1/namespaces/default/sandboxes/" + kName, R"({"spec":{"suspend":false}})");
      Sesame({"wait", std::string("sandbox/") + kName, "--timeout", "60s"});
      Http get = Request("GET", FilesUrl("persisted.txt"));
      observed = suspended && get.body == "kept" ? "untilCleanup" : "lost over suspend";
    } else {
      Request("PUT", FilesUrl("persisted.txt"), "kept");
      std::string before = Id();
      // A port change recreates a sandbox whose ports are fixed at create.
      std::string yaml = Manifest();
      yaml.replace(yaml.find(std::to_string(port_) + "]"), std::to_string(port_).size(), std::to_string(port_ + 3));
      ApplyAndWait(yaml);
      Eventually([&] { return Id() != before && !Id().empty(); }, 60000);
      Http get = Request("GET", FilesUrl("persisted.txt"));
      observed = Id() != before && get.body != "kept" ? "none" : "kept";
    }
    Record("persistence", promised, observed, observed == promised);
  }
  Sesame({"delete", "sandbox", kName});
  Sesame({"wait", std::string("sandbox/") + kName, "--for=delete", "--timeout", "60s"});
}

INSTANTIATE_TEST_SUITE_P(
    Providers, ConformanceTest,
    ::testing::Values(Param{"filesystem", true}, Param{"filesystem", false}, Param{"docker", true},
                      Param{"docker", false}, Param{"e2b", true}, Param{"e2b", false}, Param{"daytona", true},
                      Param{"daytona", false}, Param{"vercel", true}, Param{"vercel", false}),
    [](const auto& info) {
      return std::string(info.param.provider) + (info.param.security ? "Secured" : "Unsecured");
    });

// Prints the matrix once every test of this process has run.
class PrintMatrix : public ::testing::Environment {
 public:
  void TearDown() override {
    std::string table = Matrix::Get().Render();
    std::cout << "\nConformance matrix (observed; a failed cell shows observed ≠ promised):\n" << table;
    std::ofstream("conformance-matrix.md", std::ios::app) << table << "\n";
  }
};
const auto* const kPrintMatrix = ::testing::AddGlobalTestEnvironment(new PrintMatrix);

}  // namespace
}  // namespace sesame::conformance
