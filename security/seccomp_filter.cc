#include "security/seccomp_filter.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

namespace sesame::security {
namespace {

constexpr uint64_t kSetId = S_ISUID | S_ISGID;
constexpr uint64_t kNamespaceFlags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
                                     CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const char* const kDenied[] = {
    "io_uring_setup", "io_uring_enter", "io_uring_register", "ptrace", "process_vm_readv",
    "process_vm_writev", "bpf", "perf_event_open", "userfaultfd", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "add_key", "request_key", "keyctl", "mount",
    "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr", "setns", "acct", "swapon", "swapoff", "reboot", "lookup_dcookie",
    "name_to_handle_at", "open_by_handle_at", "chroot", "quotactl", "vhangup"};

struct Observed {
  const char* name;
  int pairs[2][2];  // (dirfd arg, path arg), -1 dirfd = AT_FDCWD
};
const Observed kObserved[] = {
    {"creat", {{-1, 0}, {-1, -1}}},      {"truncate", {{-1, 0}, {-1, -1}}},
    {"unlink", {{-1, 0}, {-1, -1}}},     {"unlinkat", {{0, 1}, {-1, -1}}},
    {"mkdir", {{-1, 0}, {-1, -1}}},      {"mkdirat", {{0, 1}, {-1, -1}}},
    {"mknod", {{-1, 0}, {-1, -1}}},      {"mknodat", {{0, 1}, {-1, -1}}},
    {"rmdir", {{-1, 0}, {-1, -1}}},      {"rename", {{-1, 0}, {-1, 1}}},
    {"renameat", {{0, 1}, {2, 3}}},      {"renameat2", {{0, 1}, {2, 3}}},
    {"link", {{-1, 1}, {-1, -1}}},       {"linkat", {{2, 3}, {-1, -1}}},
    {"symlink", {{-1, 1}, {-1, -1}}},    {"symlinkat", {{1, 2}, {-1, -1}}},
    {"chmod", {{-1, 0}, {-1, -1}}},      {"fchmodat", {{0, 1}, {-1, -1}}},
    {"chown", {{-1, 0}, {-1, -1}}},      {"lchown", {{-1, 0}, {-1, -1}}},
    {"fchownat", {{0, 1}, {-1, -1}}},    {"open", {{-1, 0}, {-1, -1}}},
    {"openat", {{0, 1}, {-1, -1}}},      {"openat2", {{0, 1}, {-1, -1}}},
};

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};

int Nr(const char* name) { return seccomp_syscall_resolve_name(name); }

#define SESAME_CHECK(expr)                                                    \
  do {                                                                        \
    int rc_ = (expr);                                                         \
    if (rc_ < 0) return InternalError(std::string("seccomp: ") + #expr + ": " + std::strerror(-rc_)); \
  } while (0)

Status AddDenials(scmp_filter_ctx ctx) {
  const uint32_t notify = SCMP_ACT_NOTIFY;
  for (const char* name : kDenied) {
    int nr = Nr(name);
    if (nr == __NR_SCMP_ERROR) continue;
    SESAME_CHECK(seccomp_rule_add(ctx, notify, nr, 0));
  }
  SESAME_CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0));
  for (uint64_t flag : {uint64_t(CLONE_NEWUSER), uint64_t(CLONE_NEWNS), uint64_t(CLONE_NEWPID),
                        uint64_t(CLONE_NEWNET), uint64_t(CLONE_NEWIPC), uint64_t(CLONE_NEWUTS),
                        uint64_t(CLONE_NEWCGROUP), uint64_t(CLONE_NEWTIME)}) {
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)));
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(unshare), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)));
  }
  for (uint64_t req : {uint64_t(TIOCSTI), uint64_t(TIOCLINUX)}) {
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, req)));
  }
  // socket(): only AF_UNIX (1), AF_INET (2), AF_INET6 (10).
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, 0)));
  for (uint64_t family = 3; family <= 9; ++family) {
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, family)));
  }
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_GE, 11)));
  // No set-id bits on files (workspace files may belong to host root).
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(chmod), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(chmod), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(fchmod), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(fchmod), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(fchmodat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(fchmodat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID)));
  int fchmodat2 = Nr("fchmodat2");
  if (fchmodat2 != __NR_SCMP_ERROR) {
    SESAME_CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), fchmodat2, 0));
  }
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(creat), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID)));
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(creat), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID)));
  for (uint64_t bit : {uint64_t(S_ISUID), uint64_t(S_ISGID)}) {
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(open), 2, SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT),
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)));
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(openat), 2, SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT),
                                  SCMP_A3(SCMP_CMP_MASKED_EQ, bit, bit)));
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(mknod), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)));
    SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(mknodat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)));
  }
  return Status::Ok();
}

// Every open is observed, reads too, so that an attempt to read a hidden
// secret is recorded, and every connect, for unix sockets that are hidden;
// the kernel still decides (the path is simply not there), the monitor only
// classifies.
Status AddObservations(scmp_filter_ctx ctx) {
  const uint32_t notify = SCMP_ACT_NOTIFY;
  SESAME_CHECK(seccomp_rule_add(ctx, notify, SCMP_SYS(connect), 0));
  for (const Observed& o : kObserved) {
    int nr = Nr(o.name);
    if (nr == __NR_SCMP_ERROR) continue;
    int rc = seccomp_rule_add(ctx, notify, nr, 0);
    if (rc < 0 && rc != -EEXIST) return InternalError(std::string("seccomp: observe ") + o.name);
  }
  return Status::Ok();
}

}  // namespace

Result<SeccompProgram> BuildSandboxFilter() {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return InternalError("seccomp_init failed");
  SESAME_CHECK(seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS));
  SESAME_CHECK(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0));
  SESAME_RETURN_IF_ERROR(AddDenials(ctx.get()));
  SESAME_RETURN_IF_ERROR(AddObservations(ctx.get()));
  int mem = ::memfd_create("seccomp", MFD_CLOEXEC);
  if (mem < 0) return InternalError("memfd_create failed");
  int rc = seccomp_export_bpf(ctx.get(), mem);
  off_t size = ::lseek(mem, 0, SEEK_END);
  SeccompProgram program;
  if (rc == 0 && size > 0) {
    program.code.resize(static_cast<size_t>(size) / sizeof(sock_filter));
    rc = ::pread(mem, program.code.data(), static_cast<size_t>(size), 0) == size ? 0 : -EIO;
  }
  ::close(mem);
  if (rc != 0 || program.code.empty()) return InternalError("seccomp_export_bpf failed");
  return program;
}

Status SaveProgram(const SeccompProgram& program, const std::string& path) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return InternalError(temp + ": " + std::strerror(errno));
  size_t bytes = program.code.size() * sizeof(sock_filter);
  bool written = ::write(fd, program.code.data(), bytes) == static_cast<ssize_t>(bytes);
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return InternalError("cannot write " + path);
  }
  return Status::Ok();
}

Result<SeccompProgram> LoadProgram(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return NotFoundError(path + ": " + std::strerror(errno));
  struct stat st{};
  SeccompProgram program;
  bool ok = ::fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size % sizeof(sock_filter) == 0 &&
            st.st_size <= static_cast<off_t>(BPF_MAXINSNS * sizeof(sock_filter));
  if (ok) {
    program.code.resize(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
    ok = ::pread(fd, program.code.data(), static_cast<size_t>(st.st_size), 0) == st.st_size;
  }
  ::close(fd);
  if (!ok) return InternalError(path + ": not a seccomp program");
  return program;
}

int InstallFilter(const SeccompProgram& program) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  sock_fprog prog{static_cast<unsigned short>(program.code.size()),
                  const_cast<sock_filter*>(program.code.data())};
  long fd = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

NotifyClass ClassifyNotification(const seccomp_data& data) {
  NotifyClass c;
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, data.nr);
  c.name = name ? name : "syscall " + std::to_string(data.nr);
  std::free(name);
  auto arg = [&](int i) { return data.args[i]; };
  auto setid = [](uint64_t mode) { return (mode & kSetId) != 0; };
  if (c.name == "socket") {
    static const std::map<uint64_t, const char*> kFamilies = {
        {16, "AF_NETLINK"}, {17, "AF_PACKET"}, {40, "AF_VSOCK"}, {38, "AF_ALG"}, {15, "AF_KEY"},
        {44, "AF_XDP"}, {31, "AF_BLUETOOTH"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"}, {0, "AF_UNSPEC"}};
    auto it = kFamilies.find(arg(0) & 0xffffffff);
    c.deny = true;
    c.detail = it != kFamilies.end() ? it->second : "family " + std::to_string(arg(0) & 0xffffffff);
    return c;
  }
  if (c.name == "ioctl") {
    c.deny = true;
    c.detail = (arg(1) & 0xffffffff) == TIOCSTI ? "TIOCSTI" : "TIOCLINUX";
    return c;
  }
  if (c.name == "clone" || c.name == "unshare") {
    c.deny = true;
    c.detail = (arg(0) & CLONE_NEWUSER) ? "CLONE_NEWUSER" : "namespace flags";
    return c;
  }
  if ((c.name == "chmod" && setid(arg(1))) || (c.name == "fchmod" && setid(arg(1))) ||
      (c.name == "fchmodat" && setid(arg(2))) || (c.name == "creat" && setid(arg(1))) ||
      (c.name == "mknod" && setid(arg(1))) || (c.name == "mknodat" && setid(arg(2))) ||
      (c.name == "open" && (arg(1) & O_CREAT) && setid(arg(2))) ||
      (c.name == "openat" && (arg(2) & O_CREAT) && setid(arg(3)))) {
    c.deny = true;
    c.detail = "set-id mode bits";
    return c;
  }
  if (c.name == "connect") {
    c.connect = true;
    return c;
  }
  for (const Observed& o : kObserved) {
    if (c.name == o.name) {
      std::memcpy(c.path_args, o.pairs, sizeof c.path_args);
      if (c.name == "open") c.open_flags = NotifyClass::OpenFlags::kArg1;
      if (c.name == "openat") c.open_flags = NotifyClass::OpenFlags::kArg2;
      if (c.name == "openat2") c.open_flags = NotifyClass::OpenFlags::kHowArg2;
      return c;
    }
  }
  c.deny = true;  // everything else the filter notifies is a denial
  return c;
}

}  // namespace sesame::security
