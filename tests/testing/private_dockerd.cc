#include "tests/testing/private_dockerd.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sesame::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kStartTimeoutMs = 60000;
constexpr int kStopTimeoutMs = 60000;

// Splits `text` into its non-empty lines.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PrivateDockerd::PrivateDockerd(std::string dir) : dir_(std::move(dir)), socket_(dir_ + "/docker.sock") {}

Result<std::unique_ptr<PrivateDockerd>> PrivateDockerd::Start(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("creating " + dir + ": " + ec.message());
  std::unique_ptr<PrivateDockerd> d(new PrivateDockerd(fs::absolute(dir).string()));
  if (d->socket_.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return InvalidError("socket path too long for a unix socket: " + d->socket_);
  }
  // Its own (empty) config: the host's /etc/docker/daemon.json may name
  // hosts or a data root that would clash with the flags below.
  std::ofstream(d->dir_ + "/daemon.json") << "{}\n";
  SESAME_RETURN_IF_ERROR(d->Launch());
  return d;
}

PrivateDockerd::~PrivateDockerd() {
  if (running()) (void)Stop();
}

Status PrivateDockerd::Launch() {
  std::vector<std::string> args = {
      "dockerd",
      "--host=" + host(),
      "--data-root=" + dir_ + "/data",
      "--exec-root=" + dir_ + "/exec",
      "--pidfile=" + dir_ + "/dockerd.pid",
      "--config-file=" + dir_ + "/daemon.json",
      // Nothing shared with the host's daemon: no docker0 bridge, no NAT
      // rules, no port proxies, no overlay mounts.
      "--bridge=none",
      "--iptables=false",
      "--ip-masq=false",
      "--userland-proxy=false",
      "--storage-driver=vfs",
      "--shutdown-timeout=5",
  };
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log = dir_ + "/dockerd.log";
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setsid();  // no terminal signals from the test's process group
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the test died before prctl
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    // A network namespace of its own: with --bridge=none, dockerd deletes
    // the host's docker0 at start-up, which would cut the shared daemon's
    // containers off. Its socket is a file, reachable from any namespace.
    if (unshare(CLONE_NEWNET) != 0) {
      const char kMessage[] = "unshare(CLONE_NEWNET) failed: a private dockerd needs root\n";
      (void)!write(2, kMessage, sizeof kMessage - 1);
      _exit(125);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Ping()) return Status::Ok();
    if (Reaped(0)) {
      return UnavailableError("dockerd exited at start (is this root, with the docker.io package?); " +
                              log + " ends:\n" + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (void)Stop();
  return UnavailableError("dockerd did not answer on " + socket_ + " within 60 s; " + log +
                          " ends:\n" + LogTail());
}

bool PrivateDockerd::Ping() const {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char kRequest[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
    if (write(fd, kRequest, sizeof kRequest - 1) == static_cast<ssize_t>(sizeof kRequest - 1)) {
      char buf[512];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return answer.starts_with("HTTP/1.") && answer.find(" 200 ") != std::string::npos;
}

bool PrivateDockerd::Reaped(int timeout_ms) {
  if (pid_ <= 0) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status PrivateDockerd::Stop() {
  if (pid_ <= 0) return Status::Ok();
  kill(pid_, SIGTERM);
  if (Reaped(kStopTimeoutMs)) return Status::Ok();
  // Hung: kill it, and the containerd it started (which would outlive it).
  kill(pid_, SIGKILL);
  (void)Reaped(10000);
  std::string containerd = ReadFile(dir_ + "/exec/containerd/containerd.pid");
  if (int pid = std::atoi(containerd.c_str()); pid > 0) kill(pid, SIGKILL);
  return UnavailableError("dockerd did not stop within 60 s of SIGTERM; killed it. Log ends:\n" +
                          LogTail());
}

Status PrivateDockerd::Restart() {
  if (running()) return InternalError("dockerd is still running");
  return Launch();
}

CommandResult PrivateDockerd::Docker(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"docker", "-H", host()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

Status PrivateDockerd::ImportBusybox(const std::string& image) {
  const std::string root = dir_ + "/busybox-root";
  const std::string tarball = dir_ + "/busybox.tar";
  std::error_code ec;
  for (const char* sub : {"bin", "etc", "tmp", "root", "data"}) fs::create_directories(root + "/" + sub, ec);
  fs::permissions(root + "/tmp", fs::perms::all | fs::perms::sticky_bit, ec);
  fs::copy_file("/bin/busybox", root + "/bin/busybox", fs::copy_options::overwrite_existing, ec);
  if (ec) return UnavailableError("copying /bin/busybox (the busybox-static package): " + ec.message());
  CommandResult applets = RunCommand({root + "/bin/busybox", "--list"});
  if (applets.exit_code != 0) return UnavailableError("/bin/busybox --list failed: " + applets.err);
  for (const std::string& applet : Lines(applets.out)) {
    if (applet != "busybox") fs::create_symlink("busybox", root + "/bin/" + applet, ec);
  }
  std::ofstream(root + "/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
  std::ofstream(root + "/etc/group") << "root:x:0:\n";
  CommandResult tar = RunCommand({"tar", "-C", root, "-cf", tarball, "."});
  if (tar.exit_code != 0) return UnavailableError("tar of the busybox root failed: " + tar.err);
  CommandResult imported = Docker({"import", tarball, image});
  fs::remove_all(root, ec);
  fs::remove(tarball, ec);
  if (imported.exit_code != 0) return UnavailableError("docker import " + image + " failed: " + imported.err);
  return Status::Ok();
}

Result<std::vector<std::string>> PrivateDockerd::ContainersLabelled(const std::string& label) const {
  CommandResult ps = Docker({"ps", "--all", "--quiet", "--no-trunc", "--filter", "label=" + label});
  if (ps.exit_code != 0) return UnavailableError("docker ps failed: " + ps.err);
  return Lines(ps.out);
}

std::string PrivateDockerd::LogTail(int lines) const {
  std::ifstream in(dir_ + "/dockerd.log");
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) out += line + "\n";
  return out;
}

}  // namespace sesame::testing
