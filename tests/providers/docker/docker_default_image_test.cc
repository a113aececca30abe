// The default image, hardened, through the docker provider on the real
// engine: a sandbox without `image` runs on sesame-sandbox:latest with a
// read-only root, no capabilities and no network, and mise, the runtimes
// and the agent CLIs all run in it. (docker_cli_test checks the same
// unhardened through the `sesame` binary.)
#include "tests/providers/docker/default_image_tools.h"
#include "tests/providers/docker/engine_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

class DockerDefaultImageTest : public EngineTest {};

TEST_F(DockerDefaultImageTest, RuntimesAndAgentClisRunHardened) {
  HttpRequest image;
  image.path = std::string("/images/") + kDefaultImage + "/json";
  Result<HttpResponse> found = engine_->Call(image);
  ASSERT_TRUE(found.ok() && found->status == 200)
      << kDefaultImage << " is missing: scripts/build-image builds it (scripts/test does)";
  SandboxRequest r = SecuredRequest("default-image");
  r.spec.image.clear();
  r.field_hashes = FieldHashes(r.spec);
  Observed o = MustCreate(r);
  ASSERT_EQ(o.state, ResourceState::kRunning) << o.message;
  ASSERT_TRUE(o.security.has_value());
  EXPECT_TRUE(o.security->enforced);
  nlohmann::json inspect = InspectRaw(o.id);
  EXPECT_EQ(inspect["Config"]["Image"], kDefaultImage);
  EXPECT_TRUE(inspect["HostConfig"]["ReadonlyRootfs"].get<bool>());
  EXPECT_EQ(ExecOut(o, "grep CapEff /proc/self/status | cut -f2"), "0000000000000000\n");
  EXPECT_EQ(ExecOut(o, "id -un"), "sesame\n");
  for (const auto& [command, expected] : DefaultImageTools()) {
    int code = -1;
    std::string out = ExecOut(o, command + " 2>&1", &code);
    EXPECT_EQ(code, 0) << command << ": " << out;
    EXPECT_NE(out.find(expected), std::string::npos) << command << ": " << out;
  }
}

}  // namespace
}  // namespace sesame::providers::docker::testing
