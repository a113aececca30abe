// The escape battery of SANDBOX-SECURITY-NOTES.md section 6, run from inside
// a real sandbox made by the filesystem provider with the `sesame` binary as
// its supervisor. Every attempt must fail, and every blocked network or
// write attempt must show up in <state_dir>/violations.jsonl. Only loopback
// is used: upstream servers run on the host's 127.0.0.1.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "security/seccomp_filter.h"
#include "tests/security/escape_fixture.h"

namespace sesame::security {
namespace {

#ifdef ESCAPE_TEST_BACKEND
// The same battery with a backend forced (CMake builds escape_bwrap_test so),
// set before anything probes.
const bool kForced = ::setenv(kBackendEnv, ESCAPE_TEST_BACKEND, 1) == 0;

TEST_F(EscapeTest, UsesTheForcedBackend) {
  EXPECT_TRUE(kForced);
  EXPECT_STREQ(ToString(CachedProbe().backend), ESCAPE_TEST_BACKEND) << CachedProbe().ToString();
}
#endif

TEST_F(EscapeTest, ReportsEnforcement) {
  ASSERT_TRUE(observed_->security.has_value());
  EXPECT_TRUE(observed_->security->enforced);
  EXPECT_EQ(observed_->security->reason, "Enforced");
}

TEST_F(EscapeTest, RunsAsAnUnprivilegedUserWithoutCapabilities) {
  ShResult r = Sh("id -u; grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.substr(0, 2), "0\n") << r.out;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos) << r.out;
}

TEST_F(EscapeTest, SecretsAndOtherSandboxesAreUnreadable) {
  for (const std::string& path : {home_ + "/.ssh/id_rsa", base_ + "/secrets/token",
                                  sesame_home_ + "/sandboxes/default/other/secret.txt",
                                  sesame_home_ + "/state.db"}) {
    ShResult r = Sh("cat " + path);
    EXPECT_NE(r.code, 0) << path << ": " << r.out;
    EXPECT_EQ(r.out.find("PRIVATE"), std::string::npos);
  }
  // Directories and sockets cannot be cat'ed even when visible: what they
  // hold, and whether they exist, is what must not show.
  ASSERT_TRUE(std::filesystem::exists("/var/run/docker.sock")) << "the test needs the host's Docker socket";
  EXPECT_EQ(Sh("ls -A /run/ 2>/dev/null; ls -A /var/run/ 2>/dev/null").out, "");
  EXPECT_EQ(Sh("test -e /var/run/docker.sock && echo visible").out, "");
  // The attempts are recorded, reads of the workspace (inside the hidden
  // $SESAME_HOME) are not.
  Sh("cat readonly.txt");
  std::string v = Violations(sesame_home_ + "/state.db");
  for (const std::string& path : {home_ + "/.ssh/id_rsa", base_ + "/secrets/token",
                                  sesame_home_ + "/sandboxes/default/other/secret.txt",
                                  sesame_home_ + "/state.db"}) {
    EXPECT_EQ(RuleOf(v, path), "deny-read") << path << "\n" << v;
  }
  EXPECT_EQ(RuleOf(v, workspace_ + "/readonly.txt"), "") << v;
  ShResult host_bashrc = Sh("cat ~/.bashrc");
  EXPECT_EQ(host_bashrc.out.find("host bashrc"), std::string::npos);
}

TEST_F(EscapeTest, WritesOutsideTheWorkspaceAndToProtectedFilesFail) {
  struct Case {
    std::string script, violation;
  } cases[] = {
      {"echo x >> ~/.bashrc", home_ + "/.bashrc"},
      {"echo x > .git/hooks/pre-commit", workspace_ + "/.git/hooks/pre-commit"},
      {"echo x >> .git/config", workspace_ + "/.git/config"},
      {"mkdir -p .claude/commands && echo x > .claude/commands/evil.md", workspace_ + "/.claude/commands"},
      {"echo x > .envrc", workspace_ + "/.envrc"},
      {"echo x > /etc/sesame-escape", "/etc/sesame-escape"},
      {"echo x > " + base_ + "/outside.txt", base_ + "/outside.txt"},
      {"echo x > readonly.txt", workspace_ + "/readonly.txt"},
  };
  for (const Case& c : cases) {
    ShResult r = Sh(c.script);
    EXPECT_NE(r.code, 0) << c.script;
    EXPECT_NE(Violations(c.violation).find(c.violation), std::string::npos) << c.script;
  }
  EXPECT_FALSE(fs::exists(base_ + "/outside.txt"));
  EXPECT_FALSE(fs::exists(workspace_ + "/.git/hooks/pre-commit"));
  std::ifstream bashrc(home_ + "/.bashrc");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(bashrc), {}), "# host bashrc\n");
}

// In a workspace that is not a git repository, .git/hooks cannot be made
// either; the stub that prevents it is gone from the host afterwards.
TEST_F(EscapeTest, NoHooksCanBePlantedInAWorkspaceWithoutGit) {
  const std::string plain = base_ + "/plain";
  fs::create_directories(plain);
  providers::SandboxRequest r;
  r.key = {"Sandbox", "default", "plain"};
  r.uid = "escape-test-plain";
  r.spec.command = {"sh", "-c", "sleep 600"};
  r.workspace_dir = plain;
  PolicyInput in;
  in.spec = &r.spec;
  in.workspace = plain;
  in.home = home_;
  in.sesame_home = sesame_home_;
  r.policy = ComputePolicy(in);
  auto created = provider_->Create(r);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  providers::Streams streams;
  std::string out;
  streams.on_stdout = [&](std::string_view s) { out += s; };
  streams.on_stderr = [&](std::string_view s) { out += s; };
  providers::ExecRequest req;
  req.command = {"sh", "-c",
                 "mkdir -p .git/hooks && echo x > .git/hooks/pre-commit; echo x > .git/config; "
                 "rmdir .git || mv .git .git2 || echo blocked; echo ok > a.txt"};
  req.timeout = Millis(20000);
  auto code = provider_->Exec(*created, req, streams);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_NE(out.find("blocked"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(plain + "/.git/hooks"));
  EXPECT_FALSE(fs::exists(plain + "/.git2"));
  EXPECT_TRUE(fs::exists(plain + "/a.txt"));
  std::string v = ViolationsIn(state_root_ + "/" + r.uid, plain + "/.git/hooks");
  EXPECT_NE(v.find(plain + "/.git/hooks"), std::string::npos) << v;
  ASSERT_TRUE(provider_->Delete(*created).ok());
  EXPECT_FALSE(fs::exists(plain + "/.git"));
  EXPECT_TRUE(fs::exists(plain + "/a.txt"));
}

TEST_F(EscapeTest, TruncatingAReadOnlyFileFails) {
  EXPECT_NE(Sh("truncate -s 0 readonly.txt").code, 0);
  EXPECT_NE(Sh("truncate -s 0 /etc/hostname").code, 0);
}

TEST_F(EscapeTest, SymlinkSwapDoesNotWidenWrites) {
  ShResult r = Sh("ln -sfn " + home_ + " link && echo x > link/.ssh/evil; ln -sfn /etc link2 && echo x > link2/evil");
  EXPECT_NE(r.code, 0);
  EXPECT_FALSE(fs::exists(home_ + "/.ssh/evil"));
  EXPECT_FALSE(fs::exists("/etc/evil"));
}

TEST_F(EscapeTest, WorkspaceStaysUsable) {
  ShResult r = Sh("echo ok > a.txt && mkdir -p d && mv a.txt d/b.txt && cat d/b.txt && echo t > /tmp/t && cat /tmp/t");
  EXPECT_EQ(r.code, 0) << r.err << Sh("id; ls -la; cat /proc/self/mountinfo | grep escape").out;
  EXPECT_EQ(r.out, "ok\nt\n");
}

TEST_F(EscapeTest, AllowedDestinationWorksThroughTheProxy) {
  // Explicitly through the proxy: NO_PROXY keeps the sandbox's own loopback
  // direct.
  ShResult r = Sh("env -u NO_PROXY -u no_proxy curl -sS -m 10 http://127.0.0.1:" + std::to_string(upstream_->port()) + "/");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "upstream-ok");
}

TEST_F(EscapeTest, DeniedDomainGets403AndIsRecorded) {
  ShResult r = Sh("curl -sS -m 10 -i http://denied.example.com/");
  EXPECT_NE(r.out.find("403"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("X-Proxy-Error: blocked-by-allowlist"), std::string::npos) << r.out;
  ShResult tls = Sh("curl -sS -m 10 https://denied.example.com/");
  EXPECT_NE(tls.code, 0);
  EXPECT_NE(Violations("denied.example.com:443").find("denied.example.com:443"), std::string::npos);
}

TEST_F(EscapeTest, DirectConnectionsHaveNoRoute) {
  ShResult r = Sh("curl -sS -m 5 --noproxy '*' http://127.0.0.1:" + std::to_string(upstream_->port()) +
             "/; curl -sS -m 5 --noproxy '*' http://1.1.1.1/");
  EXPECT_EQ(r.out.find("upstream-ok"), std::string::npos);
  EXPECT_NE(r.code, 0);
}

TEST_F(EscapeTest, CloudMetadataAndRebindingToLoopbackAreRefused) {
  ShResult meta = Sh("curl -sS -m 10 -i http://169.254.169.254/latest/meta-data/");
  EXPECT_NE(meta.out.find("403"), std::string::npos) << meta.out;
  // "localhost" is allowed by name but resolves to loopback.
  ShResult rebind = Sh("env -u NO_PROXY -u no_proxy curl -sS -m 10 -i http://localhost:" + std::to_string(upstream_->port()) + "/");
  EXPECT_NE(rebind.out.find("blocked-by-private-ip"), std::string::npos) << rebind.out;
  EXPECT_NE(Violations("blocked-by-private-ip").find("blocked-by-private-ip"), std::string::npos);
  EXPECT_NE(Violations("169.254.169.254").find("169.254.169.254:80"), std::string::npos);
}

TEST_F(EscapeTest, ForbiddenSocketFamiliesFail) {
  for (const char* family : {"AF_NETLINK", "AF_PACKET", "AF_VSOCK"}) {
    ShResult r = Sh(Python(std::string("import socket,errno\ntry:\n  socket.socket(socket.") + family +
                      ", socket.SOCK_DGRAM)\n  print(\"open\")\nexcept OSError as e:\n  print(e.errno)"));
    EXPECT_EQ(r.out, "1\n") << family << r.err;
    EXPECT_NE(Violations(family).find(family), std::string::npos);
  }
  ShResult docker = Sh(Python("import socket\ns=socket.socket(socket.AF_UNIX)\ns.connect(\"/var/run/docker.sock\")"));
  EXPECT_NE(docker.code, 0);
  std::string v = Violations("unix:/var/run/docker.sock");
  EXPECT_EQ(RuleOf(v, "unix:/var/run/docker.sock"), "deny-read") << v;
}

// Commands exec'd later get the filter the supervisor stored (the one its
// monitor understands), not one built by the exec'ing binary: with a stored
// program that refuses mkdir, mkdir in an exec'd command fails.
TEST_F(EscapeTest, ExecdCommandsGetTheSupervisorsFilter) {
  const std::string stored = state_dir_ + "/" + kSeccompProgramFile;
  auto original = LoadProgram(stored);
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EROFS), SCMP_SYS(mkdir), 0), 0);
  ASSERT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EROFS), SCMP_SYS(mkdirat), 0), 0);
  char path[] = "/tmp/escape_bpf.XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(seccomp_export_bpf(ctx, fd), 0);
  ::close(fd);
  seccomp_release(ctx);
  fs::rename(path, stored);
  ShResult r = Sh("mkdir -p fresh-dir && echo made");
  ASSERT_TRUE(SaveProgram(*original, stored).ok());
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_EQ(Sh("mkdir -p fresh-dir2 && echo made").out, "made\n");
}

// System libraries look under /run (NSS userdb) whenever a user name is
// resolved: blocked, but not recorded, so the stream shows real attempts.
TEST_F(EscapeTest, LibraryProbesUnderRunAreNotRecorded) {
  ShResult r = Sh("ls -la / >/dev/null; id >/dev/null; echo x > /etc/sesame-probe-marker");
  std::string v = Violations("/etc/sesame-probe-marker");
  ASSERT_NE(v.find("/etc/sesame-probe-marker"), std::string::npos) << "the monitor got past the probes";
  EXPECT_EQ(v.find("\"target\":\"/run/systemd"), std::string::npos) << v;
  EXPECT_EQ(v.find("\"target\":\"/run/userdb"), std::string::npos) << v;
  EXPECT_EQ(v.find("nscd"), std::string::npos) << v;
}

TEST_F(EscapeTest, DangerousSyscallsFail) {
  // io_uring_setup (425), ptrace(PTRACE_ATTACH=16, 1), unshare -U, TIOCSTI.
  ShResult uring = Sh(Python("import ctypes\nl=ctypes.CDLL(None,use_errno=True)\n"
                        "print(l.syscall(425,1,ctypes.create_string_buffer(128)), ctypes.get_errno())"));
  EXPECT_EQ(uring.out, "-1 1\n") << uring.err;
  ShResult ptrace = Sh(Python("import ctypes\nl=ctypes.CDLL(None,use_errno=True)\n"
                         "print(l.ptrace(16,1,0,0), ctypes.get_errno())"));
  EXPECT_EQ(ptrace.out, "-1 1\n") << ptrace.err;
  EXPECT_NE(Sh("unshare -U true").code, 0);
  ShResult tiocsti = Sh(Python("import fcntl,termios\ntry:\n  fcntl.ioctl(0, termios.TIOCSTI, b\"x\")\n"
                          "except OSError as e:\n  print(e.errno)"));
  EXPECT_EQ(tiocsti.out, "1\n") << tiocsti.err;
  std::string v = Violations("TIOCSTI");
  for (const char* s : {"io_uring_setup", "ptrace", "CLONE_NEWUSER", "TIOCSTI"}) {
    EXPECT_NE(v.find(s), std::string::npos) << s;
  }
}

TEST_F(EscapeTest, HostProcessesCannotBeSignalled) {
  ShResult r = Sh("kill -0 " + std::to_string(::getpid()));
  EXPECT_NE(r.code, 0);
  ShResult ps = Sh("ls /proc | grep -c '^[0-9]'");
  EXPECT_LT(std::atoi(ps.out.c_str()), 20) << ps.out;
}

TEST_F(EscapeTest, ViolationsAreJsonLines) {
  Sh("echo x > /etc/sesame-json");
  std::string v = Violations("/etc/sesame-json");
  std::string line = v.substr(v.rfind('{', v.find("/etc/sesame-json")));
  line = line.substr(0, line.find('\n'));
  for (const char* key : {"\"time\":", "\"kind\":\"filesystem\"", "\"operation\":", "\"target\":", "\"rule\":", "\"seq\":"}) {
    EXPECT_NE(line.find(key), std::string::npos) << key << " in " << line;
  }
}

}  // namespace
}  // namespace sesame::security
