#include "tests/testing/driven_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "tests/testing/run_command.h"

namespace sesame::testing {
namespace {

using Steady = std::chrono::steady_clock;

int MillisLeft(Steady::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

DrivenProcess::DrivenProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                             Via via) {
  std::string terminal;
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
  if (via == Via::kTerminal) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) throw std::runtime_error("posix_openpt");
    terminal = ptsname(master);
    input_ = output_fd_ = master;
  } else {
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    input_ = in_pipe[1];
    output_fd_ = out_pipe[0];
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    if (via == Via::kTerminal) {
      setsid();  // the terminal becomes this session's controlling terminal
      int slave = open(terminal.c_str(), O_RDWR);
      if (slave < 0) _exit(126);
      dup2(slave, 0);
      dup2(slave, 1);
      dup2(slave, 2);
    } else {
      dup2(in_pipe[0], 0);
      dup2(out_pipe[1], 1);
      dup2(out_pipe[1], 2);
    }
    ExecWithEnv(argv, env);
  }
  if (via == Via::kPipes) {
    close(in_pipe[0]);
    close(out_pipe[1]);
  }
}

DrivenProcess::~DrivenProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (input_ >= 0 && input_ != output_fd_) close(input_);
  if (output_fd_ >= 0) close(output_fd_);
}

void DrivenProcess::Type(std::string_view keys) {
  while (!keys.empty()) {
    ssize_t n = write(input_, keys.data(), keys.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    keys.remove_prefix(static_cast<size_t>(n));
  }
}

void DrivenProcess::CloseInput() {
  if (input_ >= 0 && input_ != output_fd_) {
    close(input_);
    input_ = -1;
  }
}

bool DrivenProcess::ReadSome(int wait_ms) {
  if (output_fd_ < 0) return false;
  pollfd p{output_fd_, POLLIN, 0};
  int ready = poll(&p, 1, wait_ms);
  if (ready == 0 || (ready < 0 && errno == EINTR)) return true;
  char buf[4096];
  ssize_t n = read(output_fd_, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;  // a terminal's master reads EIO once no one holds the terminal
  output_.append(buf, static_cast<size_t>(n));
  return true;
}

bool DrivenProcess::WaitForOutput(const std::string& text, size_t from, int timeout_ms) {
  auto deadline = Steady::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (output_.size() > from && output_.find(text, from) != std::string::npos) return true;
    if (Steady::now() >= deadline || !ReadSome(std::min(MillisLeft(deadline), 100))) {
      return output_.size() > from && output_.find(text, from) != std::string::npos;
    }
  }
}

int DrivenProcess::Wait(int timeout_ms) {
  if (reaped_) return exit_code_;
  auto deadline = Steady::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  bool output_open = true;
  // Reading all the while, so that the command never blocks on a full
  // terminal or pipe.
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (Steady::now() >= deadline) return -1;
    if (output_open) output_open = ReadSome(50);
    else usleep(20000);
  }
  reaped_ = true;
  while (output_open) {  // what is left in the terminal or pipe
    pollfd p{output_fd_, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) break;
    output_open = ReadSome(0);
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

bool DrivenProcess::TerminalIsCooked() const {
  termios t{};
  if (tcgetattr(output_fd_, &t) != 0) return false;
  return (t.c_lflag & ECHO) != 0 && (t.c_lflag & ICANON) != 0;
}

}  // namespace sesame::testing
