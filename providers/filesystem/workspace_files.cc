#include "providers/filesystem/workspace_files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/unique_fd.h"

namespace sesame::providers::filesystem {
namespace {

constexpr off_t kMaxReadBytes = 256 << 20;

Status Denied(const std::string& path) {
  return {Code::kPermissionDenied, path + ": outside the sandbox's workspace"};
}

Status FromErrno(const std::string& path, int error) {
  if (error == EXDEV || error == ELOOP) return Denied(path);
  if (error == ENOENT) return NotFoundError(path + ": no such file or directory");
  if (error == EACCES || error == EPERM) return {Code::kPermissionDenied, path + ": " + std::strerror(error)};
  return InternalError(path + ": " + std::strerror(error));
}

// `path` relative to the workspace root, or an error when it names
// something outside it by its spelling alone.
Result<std::string> Relative(const std::string& workspace, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) {
    std::error_code ec;
    std::filesystem::path root = std::filesystem::weakly_canonical(workspace, ec);
    std::filesystem::path rel = p.lexically_normal().lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..") return Denied(path);
    p = rel;
  }
  if (p.empty()) return InvalidError("empty path");
  return p.string();
}

// openat2 beneath `dir`. Falls back to a component walk that refuses every
// symlink and ".." where openat2 is missing (Linux < 5.6).
int OpenBeneath(int dir, const std::string& path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how));
  if (fd >= 0 || errno != ENOSYS) return fd;
  UniqueFd current(::dup(dir));
  std::filesystem::path p(path);
  auto last = std::prev(p.end());
  for (auto it = p.begin(); it != p.end(); ++it) {
    if (*it == "..") {
      errno = EXDEV;
      return -1;
    }
    bool is_last = it == last;
    int step_flags = is_last ? flags | O_NOFOLLOW : O_DIRECTORY | O_NOFOLLOW | O_RDONLY;
    int next = ::openat(current.get(), it->c_str(), step_flags | O_CLOEXEC, mode);
    if (next < 0) return -1;
    current.Reset(next);
  }
  return current.Release();
}

Result<UniqueFd> OpenWorkspace(const std::string& workspace) {
  UniqueFd root(::open(workspace.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!root.valid()) return FromErrno(workspace, errno);
  return root;
}

// The directory that will hold `rel`, created as needed, beneath `root`.
Result<UniqueFd> OpenParent(int root, const std::filesystem::path& rel, const std::string& shown) {
  UniqueFd dir(::dup(root));
  std::filesystem::path sofar;
  for (const auto& part : rel.parent_path()) {
    sofar /= part;
    int fd = OpenBeneath(root, sofar.string(), O_DIRECTORY | O_RDONLY, 0);
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(dir.get(), part.c_str(), 0755) != 0 && errno != EEXIST) {
        return FromErrno(shown, errno);
      }
      fd = OpenBeneath(root, sofar.string(), O_DIRECTORY | O_RDONLY, 0);
    }
    if (fd < 0) return FromErrno(shown, errno);
    dir.Reset(fd);
  }
  return dir;
}

}  // namespace

Result<std::string> ReadWorkspaceFile(const std::string& workspace, const std::string& path) {
  Result<std::string> rel = Relative(workspace, path);
  if (!rel.ok()) return rel.status();
  Result<UniqueFd> root = OpenWorkspace(workspace);
  if (!root.ok()) return root.status();
  UniqueFd fd(OpenBeneath(root->get(), *rel, O_RDONLY, 0));
  if (!fd.valid()) return FromErrno(path, errno);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return FromErrno(path, errno);
  if (!S_ISREG(st.st_mode)) return InvalidError(path + ": not a regular file");
  if (st.st_size > kMaxReadBytes) return InvalidError(path + ": larger than 256 MiB");
  std::string content;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FromErrno(path, errno);
    content.append(buf, static_cast<size_t>(n));
  }
  return content;
}

Status WriteWorkspaceFile(const std::string& workspace, const std::string& path,
                          const std::string& content) {
  Result<std::string> rel_text = Relative(workspace, path);
  if (!rel_text.ok()) return rel_text.status();
  std::filesystem::path rel = std::filesystem::path(*rel_text).lexically_normal();
  std::string base = rel.filename().string();
  if (base.empty() || base == "." || base == "..") return InvalidError(path + ": not a file name");
  Result<UniqueFd> root = OpenWorkspace(workspace);
  if (!root.ok()) return root.status();
  if (!rel.parent_path().empty() && *rel.begin() == "..") return Denied(path);
  Result<UniqueFd> parent = OpenParent(root->get(), rel, path);
  if (!parent.ok()) return parent.status();
  // Write beside the target and rename over it: a symlink in the target's
  // place is replaced, never followed.
  std::string temp = "." + base + ".sesame-tmp";
  UniqueFd fd(::openat(parent->get(), temp.c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return FromErrno(path, errno);
  std::string_view rest(content);
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::unlinkat(parent->get(), temp.c_str(), 0);
      return FromErrno(path, error);
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  fd.Reset();
  if (::renameat(parent->get(), temp.c_str(), parent->get(), base.c_str()) != 0) {
    int error = errno;
    ::unlinkat(parent->get(), temp.c_str(), 0);
    return FromErrno(path, error);
  }
  return Status::Ok();
}

}  // namespace sesame::providers::filesystem
