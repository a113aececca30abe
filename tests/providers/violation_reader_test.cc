// The violations reader against real files and real inotify: records come
// once each, in order, also when the root and the directories above it are
// made after the reader starts.
#include "providers/violation_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "security/violation_log.h"
#include "tests/providers/temp_dir.h"

namespace sesame::providers {
namespace {

namespace fs = std::filesystem;

ViolationFileReader::KeyOf KeyFromDirectory() {
  return [](const std::string& dir) -> std::optional<specs::ObjectKey> {
    return specs::ObjectKey{"Sandbox", "default", fs::path(dir).filename().string()};
  };
}

std::vector<std::string> Targets(const Result<std::vector<ViolationRecord>>& records) {
  EXPECT_TRUE(records.ok());
  std::vector<std::string> out;
  if (records.ok()) {
    for (const auto& r : *records) out.push_back(r.target);
  }
  return out;
}

TEST(ViolationReaderTest, ReturnsEachRecordOnce) {
  testing::TempDir home;
  std::string root = home.Sub("sandboxes");
  fs::create_directories(root + "/uid-1");
  ViolationFileReader reader(root, KeyFromDirectory());
  security::ViolationLog log(root + "/uid-1");
  log.Append({"network", "connect", "evil.com:443", "blocked-by-allowlist"});
  EXPECT_EQ(Targets(reader.Drain()), std::vector<std::string>{"evil.com:443"});
  EXPECT_TRUE(Targets(reader.Drain()).empty());
  log.Append({"filesystem", "openat", "/etc/shadow", "deny-read"});
  EXPECT_EQ(Targets(reader.Drain()), std::vector<std::string>{"/etc/shadow"});
}

TEST(ViolationReaderTest, FindsARootMadeLaterSeveralLevelsDown) {
  testing::TempDir home;
  // Neither the root nor its parent exists yet: the reader waits on home.
  std::string root = home.Sub("docker/sandboxes");
  ViolationFileReader reader(root, KeyFromDirectory());
  EXPECT_TRUE(Targets(reader.Drain()).empty());
  fs::create_directories(home.Sub("docker"));
  EXPECT_TRUE(Targets(reader.Drain()).empty());
  fs::create_directories(root + "/uid-2");
  security::ViolationLog(root + "/uid-2").Append({"syscall", "ptrace", "", "seccomp"});
  EXPECT_EQ(Targets(reader.Drain()), std::vector<std::string>{""});
  EXPECT_EQ(reader.Drain()->size(), 0u);
}

}  // namespace
}  // namespace sesame::providers
