#pragma once
// What the three cloud providers (E2B, Daytona, Vercel) share beyond HTTP:
// the ownership labels they put on every resource, the session command
// wrapper that keeps the session's output and exit code in files inside
// the sandbox, and the lifetime arithmetic.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "common/time.h"
#include "providers/provider.h"

namespace sesame::providers::http {

// Files the session wrapper keeps inside the sandbox.
inline constexpr char kSessionDir[] = "/tmp/.sesame";
inline constexpr char kSessionLog[] = "/tmp/.sesame/session.log";
inline constexpr char kSessionExitCode[] = "/tmp/.sesame/exit_code";

// 'it'\''s' style single-quoting for POSIX shells.
std::string ShellQuote(const std::string& arg);
std::string ShellJoin(const std::vector<std::string>& argv);

// A shell script that runs `command` once as the session: output appended
// to kSessionLog, exit code written to kSessionExitCode. Without `force` it
// does nothing when the session was already started, so launching it twice
// (after a controller restart) is harmless.
std::string SessionScript(const std::vector<std::string>& command, bool force);

// "image=0123abcd;env=..." and back: the field fingerprints as one label.
std::string EncodeHashes(const std::map<std::string, std::string>& hashes);
std::map<std::string, std::string> DecodeHashes(const std::string& text);

// "3000,8080" and back.
std::string EncodePorts(const std::vector<int>& ports);
std::vector<int> DecodePorts(const std::string& text);

// Seconds from `now` until the spec's lifetime ends (ttl from creation or
// expiresAt, whichever is first); nullopt without either. At least 1.
std::optional<long> LifetimeSeconds(const specs::SandboxSpec& spec, Time now);

// Whole units, rounded up: "500m" -> 1 core, "1536Mi" -> 2 GiB.
long CeilCores(const specs::Quantity& q);
long CeilGiB(const specs::Quantity& q);

// ResourceState names in messages.
std::string Describe(const Observed& o);

// The values of environment variables: redacted from every error.
std::vector<std::string> SecretValues(const std::vector<std::pair<std::string, std::string>>& env);

// Where the last `lines` lines of a log begin (a final newline ends the
// last line rather than starting an empty one); text.size() for 0 lines,
// 0 when the log has no more lines than that.
size_t TailStart(std::string_view text, size_t lines);

// True when `field`'s fingerprint differs between what is wanted and what
// the resource has (or either does not know it).
bool FieldChanged(const std::map<std::string, std::string>& want,
                  const std::map<std::string, std::string>& have, const std::string& field);

// The uids an observe found nothing for, a moment ago: a create right after
// (the reconciler's next step) need not look the uid up again. Thread-safe.
class RecentlyAbsent {
 public:
  void Note(const std::string& uid);
  // Whether `uid` was noted within the last two seconds; forgets it.
  bool Take(const std::string& uid);

 private:
  Mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> noted_ GUARDED_BY(mu_);
};

}  // namespace sesame::providers::http
