#include "security/landlock.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sesame::security {
namespace {

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

constexpr uint64_t kRead = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                           LANDLOCK_ACCESS_FS_READ_DIR;
constexpr uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
                                 LANDLOCK_ACCESS_FS_IOCTL_DEV;

uint64_t AllRights(int abi) {
  uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) all |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) all |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return all;
}

}  // namespace

int LandlockAbi() {
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

LandlockPlan PlanLandlock(int abi, const std::vector<std::string>& writable) {
  LandlockPlan plan;
  if (abi <= 0) return plan;
  plan.abi = abi;
  plan.handled = AllRights(abi);
  uint64_t all = plan.handled;
  plan.rules.push_back({"/", kRead});
  plan.rules.push_back({"/dev", (kRead | kFileRights) & all});
  plan.rules.push_back({"/proc", (kRead | LANDLOCK_ACCESS_FS_WRITE_FILE) & all});
  for (const std::string& w : writable) plan.rules.push_back({w, all});
  return plan;
}

int BuildLandlockRuleset(const LandlockPlan& plan) {
  if (plan.abi <= 0) return -1;
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = plan.handled;
  long rs = ::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr.handled_access_fs, 0);
  if (rs < 0) return -errno;
  int ruleset = static_cast<int>(rs);
  for (const LandlockRule& r : plan.rules) {
    int fd = ::open(r.path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    landlock_path_beneath_attr pb{};
    pb.allowed_access = r.access & plan.handled;
    if (::fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) pb.allowed_access &= kFileRights;
    pb.parent_fd = fd;
    long rc = ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    ::close(fd);
    if (rc != 0) {
      ::close(ruleset);
      return -e;
    }
  }
  return ruleset;
}

int RestrictSelf(int ruleset) {
  if (ruleset < 0) return 0;
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  long rc = ::syscall(SYS_landlock_restrict_self, ruleset, 0);
  int e = errno;
  ::close(ruleset);
  return rc == 0 ? 0 : e;
}

}  // namespace sesame::security
