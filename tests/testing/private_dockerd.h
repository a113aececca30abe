#pragma once
// A Docker daemon of a test's own, so that a test can stop the engine and
// start it again (an outage) without touching the machine's shared daemon,
// which other tests use. Its socket, data root, exec root, pid file, config
// file and log all live under one directory; it runs in a network
// namespace of its own (nothing it does to interfaces, such as removing
// docker0, reaches the host's), with no bridge, no iptables rules and the
// vfs storage driver, so it needs nothing from the host but root and the
// dockerd binary (the docker.io package, which
// scripts/setup-docker-for-tests installs). Its containerd is its own,
// started by dockerd under the exec root.
//
// The daemon is told to stop (SIGTERM) when the test process dies, so a
// test killed by a timeout does not leave it running.
//
// Not thread-safe: one test thread drives it.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/testing/run_command.h"

namespace sesame::testing {

class PrivateDockerd {
 public:
  // Starts dockerd with everything under `dir` (created if missing) and
  // waits up to 60 s until GET /_ping answers. An error carries the end of
  // the daemon's log.
  static Result<std::unique_ptr<PrivateDockerd>> Start(const std::string& dir);
  // Stops the daemon if it runs (SIGTERM; SIGKILL to it and its containerd
  // if it has not exited after 60 s).
  ~PrivateDockerd();
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  const std::string& socket() const { return socket_; }
  // "unix:///DIR/docker.sock", for DOCKER_HOST or `docker -H`.
  std::string host() const { return "unix://" + socket_; }
  bool running() const { return pid_ > 0; }

  // SIGTERM, then waits until the daemon has exited: it stops its
  // containers and its containerd first, so they stay on the data root,
  // stopped.
  Status Stop();
  // Starts the daemon again on the same data root.
  Status Restart();

  // `docker -H host() ARGS...` (the docker CLI).
  CommandResult Docker(const std::vector<std::string>& args) const;
  // Imports `image` ("name:tag"): one layer made of /bin/busybox (the
  // busybox-static package) and its applets, as
  // scripts/setup-docker-for-tests makes sesame-test-busybox:latest.
  Status ImportBusybox(const std::string& image);
  // Ids of the containers, in any state, labelled `label` ("KEY=VALUE").
  Result<std::vector<std::string>> ContainersLabelled(const std::string& label) const;
  // The last `lines` lines of the daemon's log, for failure messages.
  std::string LogTail(int lines = 30) const;

 private:
  explicit PrivateDockerd(std::string dir);
  // Forks and execs dockerd, then waits for it to answer.
  Status Launch();
  bool Ping() const;
  // Reaps the daemon if it has exited; true when it has.
  bool Reaped(int timeout_ms);

  const std::string dir_;
  const std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace sesame::testing
