#include "security/mount_plan.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace sesame::security {
namespace {

namespace fs = std::filesystem;

const char* const kHomeFiles[] = {".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc",
                                  ".zprofile", ".zshenv", ".gitconfig"};
const char* const kDirNames[] = {".vscode", ".idea", ".claude", ".codex", ".gemini", ".sesame",
                                 ".git/hooks"};

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

size_t Depth(const std::string& p) { return std::count(p.begin(), p.end(), '/'); }

// The outermost directory above `path` (never "/" itself) that uid/gid may
// not search on the host, e.g. the 0700 directory from `mktemp -d` that
// holds a workspace; "" when every ancestor is searchable.
std::string UnsearchableAncestor(const std::string& path, uid_t uid, gid_t gid) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return "";
    mode_t bit = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
    if (!(st.st_mode & bit)) return dir;
  }
  return "";
}

bool IsDirName(const std::string& name) {
  return std::any_of(std::begin(kDirNames), std::end(kDirNames), [&](const char* d) { return name == d; });
}

// One write of `text` (a /proc map file takes it whole or not at all).
bool WriteProcFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// A user namespace whose mapping sends on-disk `owner` to `uid` (and the
// group likewise), for id-mapped mounts. Returns its fd or -1; the helper
// process that held it is killed and added to `helpers`, to be reaped
// (ReapMountHelpers) once it has had the time to exit.
int IdmapUserns(uid_t owner, gid_t group, uid_t uid, gid_t gid, std::vector<pid_t>& helpers) {
  // The child is in its new namespace from the clone on: it never needs to
  // run, only to exist while its maps are written and its namespace is
  // opened. (A child that unshared by itself and said so cost two more
  // hand-offs between the processes, each a scheduler wake-up on a busy
  // host; so did reaping it here, since a killed process must still be
  // scheduled to exit.)
  long pid = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return -1;
  if (pid == 0) {
    for (;;) ::pause();  // until killed
  }
  std::string base = "/proc/" + std::to_string(pid);
  bool mapped = WriteProcFile(base + "/uid_map", std::to_string(owner) + " " + std::to_string(uid) + " 1\n") &&
                WriteProcFile(base + "/setgroups", "deny\n") &&
                WriteProcFile(base + "/gid_map", std::to_string(group) + " " + std::to_string(gid) + " 1\n");
  int fd = mapped ? ::open((base + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC) : -1;
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  helpers.push_back(static_cast<pid_t>(pid));
  return fd;
}

// A detached copy of `path` whose files owned by its owner appear owned by
// uid/gid. -1 when the filesystem cannot do it.
int IdmappedTree(const std::string& path, uid_t uid, gid_t gid, std::vector<pid_t>& helpers,
                 std::string& error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  int userns = IdmapUserns(st.st_uid, st.st_gid, uid, gid, helpers);
  if (userns < 0) {
    error = "cannot create an id-mapping user namespace";
    return -1;
  }
  int tree = ::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) {
    error = std::string("open_tree ") + path + ": " + std::strerror(errno);
    ::close(userns);
    return -1;
  }
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  attr.userns_fd = static_cast<uint64_t>(userns);
  int rc = ::mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr);
  int e = errno;
  ::close(userns);
  if (rc != 0) {
    error = std::string("id-mapped mount of ") + path + ": " + std::strerror(e);
    ::close(tree);
    return -1;
  }
  return tree;
}

struct Builder {
  MountPlan plan;
  const MountPlanOptions& opt;
  std::string error;

  void Add(MountOp::Kind kind, std::string source, std::string target, bool ro = false,
           std::string data = "", int fd = -1) {
    plan.ops.push_back({kind, std::move(source), std::move(target), ro, std::move(data), fd});
  }

  // Mask `path` (resolved, existing): empty read-only dir or file, with
  // mount points for the writable roots below it.
  void Mask(const std::string& path, const std::vector<std::string>& writable) {
    if (IsDir(path)) {
      Add(MountOp::kTmpfs, "", path, false, "mode=0755,size=64k");
      for (const std::string& w : writable) {
        if (PathWithin(w, path) && w != path) Add(IsDir(w) ? MountOp::kMkdir : MountOp::kMkfile, "", w);
      }
      Add(MountOp::kRemountRo, "", path);
    } else {
      Add(MountOp::kBind, opt.state_dir + "/empty", path, true);
    }
  }
};

}  // namespace

std::vector<std::string> WritableRoots(const SandboxPolicy& policy) {
  std::vector<std::string> roots = {policy.filesystem.home, policy.filesystem.workspace};
  for (const std::string& w : policy.filesystem.allow_write) roots.push_back(w);
  roots.push_back("/tmp");
  roots.push_back("/dev/shm");
  return roots;
}

Result<MountPlan> CompileMountPlan(const SandboxPolicy& policy, const MountPlanOptions& opt) {
  Builder b{{}, opt, ""};
  MountPlan& plan = b.plan;
  const FilesystemPolicy& f = policy.filesystem;
  plan.new_root = opt.state_dir + "/root";
  std::string home_dir = opt.state_dir + "/home";
  ::mkdir(plan.new_root.c_str(), 0700);
  ::mkdir(home_dir.c_str(), 0700);
  { std::ofstream(opt.state_dir + "/empty", std::ios::app); }
  ::chmod((opt.state_dir + "/empty").c_str(), 0444);
  for (const char* name : kHomeFiles) {
    std::string p = home_dir + "/" + name;
    if (!Exists(p)) std::ofstream(p, std::ios::app);
  }
  if (opt.idmap && ::chown(home_dir.c_str(), opt.uid, opt.gid) != 0) {
    return InternalError("cannot give the synthetic home to the sandbox's uid: " +
                         std::string(std::strerror(errno)));
  }

  std::string workspace = RealPath(f.workspace);
  if (workspace.empty()) return InternalError("workspace " + f.workspace + " does not exist");
  // $HOME keeps the controller's path when it exists on the host (hiding the
  // real one); otherwise it lives in the private /tmp.
  std::string home_real = RealPath(f.home);
  plan.home = home_real.empty() || home_real == "/" ? "/tmp/home" : home_real;

  struct Root { std::string path, source; bool ours; };
  std::vector<Root> roots = {{plan.home, home_dir, true}, {workspace, workspace, false}};
  for (const std::string& w : f.allow_write) {
    std::string r = RealPath(w);
    if (!r.empty() && r != "/") roots.push_back({r, r, false});
  }
  std::stable_sort(roots.begin(), roots.end(), [](const Root& a, const Root& c) { return Depth(a.path) < Depth(c.path); });
  std::vector<std::string> writable;
  for (const Root& r : roots) writable.push_back(r.path);

  // 1-2: base, /proc, /dev, /tmp.
  b.Add(MountOp::kBind, "/", "/", true);
  b.Add(MountOp::kProc, "", "/proc");
  b.Add(MountOp::kTmpfs, "", "/dev", false, "mode=0755,size=1m");
  for (const char* dev : {"null", "zero", "full", "random", "urandom", "tty"}) {
    b.Add(MountOp::kMkfile, "", std::string("/dev/") + dev);
    b.Add(MountOp::kBind, std::string("/dev/") + dev, std::string("/dev/") + dev);
  }
  b.Add(MountOp::kMkdir, "", "/dev/pts");
  b.Add(MountOp::kDevpts, "", "/dev/pts");
  b.Add(MountOp::kMkdir, "", "/dev/shm");
  b.Add(MountOp::kTmpfs, "", "/dev/shm", false, "mode=1777");
  b.Add(MountOp::kSymlink, "pts/ptmx", "/dev/ptmx");
  b.Add(MountOp::kSymlink, "/proc/self/fd", "/dev/fd");
  b.Add(MountOp::kSymlink, "/proc/self/fd/0", "/dev/stdin");
  b.Add(MountOp::kSymlink, "/proc/self/fd/1", "/dev/stdout");
  b.Add(MountOp::kSymlink, "/proc/self/fd/2", "/dev/stderr");
  b.Add(MountOp::kTmpfs, "", "/tmp", false, "mode=1777");
  if (plan.home == "/tmp/home") b.Add(MountOp::kMkdir, "", "/tmp/home");

  // 3: masks outside writable roots (shallow first, skipping nested ones).
  std::vector<std::string> masks;
  for (const std::string& d : f.deny_read) {
    std::string r = RealPath(d);
    if (r.empty() || r == "/" || std::find(masks.begin(), masks.end(), r) != masks.end()) continue;
    masks.push_back(r);
  }
  std::stable_sort(masks.begin(), masks.end(), [](const std::string& a, const std::string& c) { return Depth(a) < Depth(c); });
  auto in_writable = [&](const std::string& p) {
    return std::any_of(writable.begin(), writable.end(), [&](const std::string& w) { return PathWithin(p, w); });
  };
  std::vector<std::string> done;
  for (const std::string& m : masks) {
    if (in_writable(m) || PathWithin(m, "/tmp")) continue;
    if (std::any_of(done.begin(), done.end(), [&](const std::string& d) { return PathWithin(m, d); })) continue;
    b.Mask(m, writable);
    done.push_back(m);
  }
  // 3b: a writable root below a directory the sandbox's uid may not search
  // is made reachable: that directory becomes an empty one holding only the
  // mount points (the sandbox could not see anything else in it anyway).
  for (const Root& r : roots) {
    if (r.ours || PathWithin(r.path, "/tmp") || PathWithin(r.path, plan.home)) continue;
    std::string blocked = UnsearchableAncestor(r.path, opt.uid, opt.gid);
    if (blocked.empty() || in_writable(blocked)) continue;
    if (std::any_of(done.begin(), done.end(), [&](const std::string& d) { return PathWithin(blocked, d); })) continue;
    b.Mask(blocked, writable);
    done.push_back(blocked);
  }
  // 4: writable roots.
  for (const Root& r : roots) {
    // The private /tmp is empty: mount points there are made.
    if (PathWithin(r.path, "/tmp") && r.path != "/tmp") {
      b.Add(IsDir(r.source) ? MountOp::kMkdir : MountOp::kMkfile, "", r.path);
    }
    // A root inside an earlier one that is ours (the home) needs a mount
    // point there.
    for (const Root& outer : roots) {
      if (&outer == &r) break;
      if (outer.ours && PathWithin(r.path, outer.path) && r.path != outer.path) {
        fs::create_directories(outer.source + r.path.substr(outer.path.size()));
      }
    }
    if (opt.idmap && !r.ours) {
      int tree = IdmappedTree(r.source, opt.uid, opt.gid, plan.helpers, b.error);
      if (tree < 0) {
        ReapMountHelpers(plan);
        return Status(Code::kUnsupported, b.error);
      }
      b.Add(MountOp::kIdmappedBind, r.source, r.path, false, "", tree);
    } else {
      b.Add(MountOp::kBind, r.source, r.path, false);
    }
  }
  // 5: masks inside writable roots (except the synthetic home, which holds
  // nothing of the host).
  for (const std::string& m : masks) {
    if (in_writable(m) && !PathWithin(m, plan.home) && !PathWithin(m, "/tmp")) b.Mask(m, {});
  }
  // 6: read-only paths inside writable roots.
  std::vector<std::string> protect;
  for (const std::string& d : f.deny_write) protect.push_back(d);
  std::ofstream stubs(opt.state_dir + "/stubs", std::ios::app);
  // A workspace that is not a git repository gets an empty read-only .git
  // for the sandbox's life: otherwise the agent could create .git/hooks and
  // have the user's next `git init` or clone-into run its hooks. (Nothing
  // can be made inside, so `git init` fails inside such a sandbox; an empty
  // .git is not a repository to git on the host, which looks further up.)
  const std::string git_dir = workspace + "/.git";
  bool git_stub = false;
  if (!Exists(git_dir) && ::mkdir(git_dir.c_str(), 0555) == 0) {
    stubs << git_dir << '\n';
    plan.stubs.push_back(git_dir);
    protect.push_back(git_dir);
    git_stub = true;
  }
  for (const std::string& name : f.protected_names) {
    protect.push_back(plan.home + "/" + name);
    if (git_stub && name.rfind(".git/", 0) == 0) continue;  // inside the read-only stub
    std::string path = workspace + "/" + name;
    if (Exists(path)) {
      protect.push_back(path);
      continue;
    }
    // Create a stub where a protected name is missing, when its parent is
    // a real directory of the workspace (never through a symlink).
    std::string parent = fs::path(path).parent_path().string();
    if (RealPath(parent) != parent) continue;
    if (name == ".git/config") continue;  // an empty config would change git's view
    int rc = IsDirName(name) ? ::mkdir(path.c_str(), 0555)
                             : ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
    if (rc < 0) continue;
    if (!IsDirName(name)) ::close(rc);
    stubs << path << '\n';
    plan.stubs.push_back(path);
    protect.push_back(path);
  }
  for (const std::string& p : protect) {
    std::string host = PathWithin(p, plan.home) ? home_dir + p.substr(plan.home.size()) : p;
    std::string r = RealPath(host);
    if (r.empty()) continue;
    if (PathWithin(p, plan.home)) {
      if (!PathWithin(r, home_dir)) continue;
      b.Add(MountOp::kBind, r, plan.home + r.substr(home_dir.size()), true);
    } else if (in_writable(r)) {
      b.Add(MountOp::kBind, r, r, true);
    }
  }
  plan.writable = writable;
  // The private /tmp and /dev/shm, as WritableRoots gives them to exec'd
  // commands: without them Landlock kept the session command from writing
  // its own /tmp.
  plan.writable.push_back("/tmp");
  plan.writable.push_back("/dev/shm");
  return std::move(b.plan);
}

void ReapMountHelpers(MountPlan& plan) {
  for (pid_t pid : plan.helpers) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  plan.helpers.clear();
}

void RemoveStubs(const std::string& state_dir) {
  std::ifstream in(state_dir + "/stubs");
  std::string path;
  while (std::getline(in, path)) {
    if (path.empty()) continue;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      ::rmdir(path.c_str());  // only when still empty
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
      ::unlink(path.c_str());
    }
  }
  ::unlink((state_dir + "/stubs").c_str());
}

namespace {

int SetAttr(const std::string& path, uint64_t set, bool recursive) {
  mount_attr attr{};
  attr.attr_set = set;
  return ::mount_setattr(AT_FDCWD, path.c_str(), recursive ? AT_RECURSIVE : 0, &attr, sizeof attr);
}

int MkdirAll(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string part = path.substr(0, i);
      if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return errno;
    }
  }
  return 0;
}

}  // namespace

int ExecuteMountPlan(const MountPlan& plan, std::string& what) {
  const std::string& root = plan.new_root;
  auto fail = [&](const std::string& op, const std::string& path) {
    int e = errno;
    what = op + " " + path;
    return e == 0 ? EIO : e;
  };
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail("make-private", "/");
  for (const MountOp& op : plan.ops) {
    std::string t = op.target == "/" ? root : root + op.target;
    errno = 0;
    switch (op.kind) {
      case MountOp::kBind: {
        if (::mount(op.source.c_str(), t.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail("bind", op.target);
        uint64_t set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (op.read_only ? MOUNT_ATTR_RDONLY : 0);
        if (op.source.rfind("/dev/", 0) == 0) set &= ~uint64_t(MOUNT_ATTR_NODEV);
        if (SetAttr(t, set, true) != 0) return fail("mount_setattr", op.target);
        break;
      }
      case MountOp::kIdmappedBind:
        if (::move_mount(op.fd, "", AT_FDCWD, t.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) return fail("move_mount", op.target);
        break;
      case MountOp::kTmpfs:
        if (::mount("tmpfs", t.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, op.data.c_str()) != 0) return fail("tmpfs", op.target);
        break;
      case MountOp::kProc:
        if (::mount("proc", t.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return fail("proc", op.target);
        break;
      case MountOp::kDevpts:
        if (::mount("devpts", t.c_str(), "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") != 0) {
          return fail("devpts", op.target);
        }
        break;
      case MountOp::kMkdir:
        if (int e = MkdirAll(t); e != 0) { errno = e; return fail("mkdir", op.target); }
        break;
      case MountOp::kMkfile: {
        std::string parent = t.substr(0, t.rfind('/'));
        MkdirAll(parent);
        int fd = ::open(t.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) return fail("create", op.target);
        ::close(fd);
        break;
      }
      case MountOp::kSymlink:
        if (::symlink(op.source.c_str(), t.c_str()) != 0 && errno != EEXIST) return fail("symlink", op.target);
        break;
      case MountOp::kRemountRo:
        if (SetAttr(t, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false) != 0) return fail("remount-ro", op.target);
        break;
    }
  }
  if (::chdir(root.c_str()) != 0) return fail("chdir", root);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail("pivot_root", root);
  if (::umount2(".", MNT_DETACH) != 0) return fail("umount", "old root");
  if (::chdir("/") != 0) return fail("chdir", "/");
  return 0;
}

}  // namespace sesame::security
