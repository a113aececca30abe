#pragma once
// <state_dir>/violations.jsonl: one JSON object per line for every blocked
// attempt the sandbox made, appended by its supervisor:
//
//   {"seq":12,"time":"2026-01-02T03:04:05.678Z","kind":"network",
//    "operation":"connect","target":"evil.com:443","rule":"blocked-by-allowlist"}
//
//   kind       network | filesystem | syscall
//   operation  network: connect (HTTP CONNECT), http (absolute-URI request),
//              socks5; filesystem: the syscall (openat, mkdirat, renameat2,
//              ...); syscall: its name (ptrace, socket, io_uring_setup, ...)
//   target     host:port, a path, or the syscall's notable argument
//              ("AF_NETLINK", "TIOCSTI")
//   rule       why: blocked-by-allowlist, blocked-by-denylist,
//              blocked-by-private-ip, read-only, protected, deny-read,
//              seccomp
//   seq        1, 2, 3... across supervisor restarts; a reader ingests the
//              lines whose seq is above the last one it saw.
//
// Bounded: beyond max_records lines the oldest quarter is dropped (the file
// is rewritten atomically) and <state_dir>/violations.dropped holds the
// total number of records dropped so far. Thread-safe.

#include <cstdint>
#include <string>

#include "common/mutex.h"

namespace sesame::security {

inline constexpr char kViolationsFile[] = "violations.jsonl";
inline constexpr char kViolationsDroppedFile[] = "violations.dropped";

struct Violation {
  std::string kind;
  std::string operation;
  std::string target;
  std::string rule;
};

class ViolationLog {
 public:
  explicit ViolationLog(std::string state_dir, size_t max_records = 1000);
  void Append(const Violation& v);
  uint64_t last_seq() const;

 private:
  void Trim() REQUIRES(mu_);

  const std::string dir_;
  const size_t max_records_;
  mutable Mutex mu_;
  uint64_t seq_ GUARDED_BY(mu_) = 0;
  size_t records_ GUARDED_BY(mu_) = 0;
};

}  // namespace sesame::security
