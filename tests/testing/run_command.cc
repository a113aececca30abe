#include "tests/testing/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/subprocess.h"

namespace sesame::testing {

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, const std::string& input) {
  SubprocessOptions options;
  options.argv = argv;
  for (const auto& [k, v] : env) options.env.push_back(k + "=" + v);
  options.input = input;
  // Suites written against the earlier helper write to sockets whose peer
  // may be gone and rely on this process ignoring SIGPIPE from here on.
  signal(SIGPIPE, SIG_IGN);
  auto run = RunSubprocess(options);
  CommandResult result;
  if (!run.ok()) {
    // As a shell reports a command it cannot run.
    result.exit_code = 127;
    result.err = run.status().message();
    return result;
  }
  result.exit_code = run->exit_code();
  result.out = std::move(run->out);
  result.err = std::move(run->err);
  return result;
}

void ExecWithEnv(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& env,
                                     const std::string& log_path) {
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    ExecWithEnv(argv, env);
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void BackgroundProcess::Signal(int sig) {
  if (!reaped_) kill(pid_, sig);
}

int BackgroundProcess::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool Eventually(const std::function<bool()>& predicate, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    if (predicate()) return true;
    usleep(20000);
  }
  return predicate();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sesame-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::filesystem::path p = std::filesystem::path(path_) / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

}  // namespace sesame::testing
