#include "providers/docker/guard_launcher.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"

namespace sesame::providers::docker {
namespace {

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Frees a posix_spawn_file_actions_t on every path.
struct FileActions {
  posix_spawn_file_actions_t actions;
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
};

}  // namespace

Status LaunchGuard(const std::vector<std::string>& command, const std::string& state_dir,
                   pid_t container_pid) {
  if (command.empty() || command[0].empty() || command[0][0] != '/') {
    return InternalError("no egress guard command (an absolute path) is configured");
  }
  std::vector<std::string> argv = command;
  argv.insert(argv.end(), {"--state-dir", state_dir, "--container-pid", std::to_string(container_pid)});
  std::vector<std::string> env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + std::strerror(errno));
  UniqueFd read_end(p[0]), write_end(p[1]);
  FileActions files;
  // The guard's stderr is the pipe: its verdict. Nothing else of this
  // process leaks into it.
  posix_spawn_file_actions_addopen(&files.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files.actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&files.actions, write_end.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&files.actions, 3);
  std::vector<char*> args = CStrings(argv), envp = CStrings(env);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, args[0], &files.actions, nullptr, args.data(), envp.data());
  write_end.Reset();
  if (error != 0) {
    return InternalError("cannot start the egress guard " + command[0] + ": " + std::strerror(error));
  }
  std::string verdict = ReadUntilEof(read_end.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  while (!verdict.empty() && (verdict.back() == '\n' || verdict.back() == ' ')) verdict.pop_back();
  return UnavailableError("the egress guard did not start: " +
                          (verdict.empty() ? "exit status " + std::to_string(status) : verdict));
}

}  // namespace sesame::providers::docker
