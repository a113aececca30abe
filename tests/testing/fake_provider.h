#pragma once
// One in-memory provider for unit tests of everything above providers/:
// resources are map entries by uid, every call is counted, and a test moves
// a resource through its states (exit, suspend, vanish) or makes the next
// calls fail. Create records the request's field hashes, so an unchanged
// spec plans nothing; Create of a uid that exists adopts it, as real
// providers do. Exec echoes stdin, Logs prints two lines, files live in a
// map. Thread-safe.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/time.h"
#include "providers/provider.h"

namespace sesame::testing {

class FakeProvider final : public providers::Provider {
 public:
  // `name` is what sandboxes name in spec.provider; started_at and
  // finished_at come from `clock`.
  explicit FakeProvider(std::string name = "fake", const Clock& clock = Clock::Real());

  // ---- what the test sets ----
  void set_capabilities(providers::Capabilities caps);
  // The next calls of `operation` ("Create", "Observe", "Update", ...)
  // fail with `error` (all of them until cleared with Status::Ok()).
  void FailNext(const std::string& operation, Status error);
  // Puts a resource in place, as if made earlier (adoption after a crash).
  void Put(providers::Observed resource);
  // The session of `uid` ended with `code` (now, by the clock).
  void Exit(const std::string& uid, int code);
  // The resource of `uid` vanished out of band.
  void Vanish(const std::string& uid);
  // Output, exec or attach happened now.
  void Touch(const std::string& uid);
  // Restart gives the resource a new id, as a new process or a replaced
  // container does.
  void set_new_id_on_restart(bool on) { new_id_on_restart_ = on; }
  // PreviewUrl of `port` answers `url`, as for a port the agent opened
  // later; other ports are unsupported.
  void set_preview_url(int port, std::string url);

  // ---- what the test reads ----
  // How many times `operation` was called.
  int Calls(const std::string& operation) const;
  // How many times Observe was asked about `uid`: one per reconcile of
  // that sandbox.
  int Observes(const std::string& uid) const;
  // Calls of every operation that acts on a resource (all but Observe,
  // ListOwned and the session operations).
  int Actions() const;
  std::optional<providers::Observed> Find(const std::string& uid) const;
  // The last request Create, Update or Restart received for `uid`.
  std::optional<providers::SandboxRequest> LastRequest(const std::string& uid) const;
  size_t size() const;

  // ---- providers::Provider ----
  std::string name() const override { return name_; }
  providers::Capabilities capabilities() const override;
  Result<providers::Observed> Create(const providers::SandboxRequest& request) override;
  Result<std::optional<providers::Observed>> Observe(const std::string& uid) override;
  Result<std::vector<providers::Observed>> ListOwned() override;
  Status Update(const providers::Observed& current, const providers::SandboxRequest& request) override;
  Status Suspend(const providers::Observed& current) override;
  Status Resume(const providers::Observed& current) override;
  Status Restart(const providers::Observed& current, const providers::SandboxRequest& request) override;
  Status Delete(const providers::Observed& current) override;
  Result<int> Exec(const providers::Observed& current, const providers::ExecRequest& request,
                   providers::Streams& streams) override;
  Status Logs(const providers::Observed& current, const providers::LogOptions& options,
              providers::Streams& streams) override;
  Status Attach(const providers::Observed& current, providers::Streams& streams) override;
  Result<std::string> ReadFile(const providers::Observed& current, const std::string& path) override;
  Status WriteFile(const providers::Observed& current, const std::string& path,
                   const std::string& content) override;
  Result<std::string> PreviewUrl(const providers::Observed& current, int port) override;

 private:
  // Counts the call and returns the failure set for it, if any.
  Status Enter(const std::string& operation);

  const std::string name_;
  const Clock& clock_;
  mutable Mutex mutex_;
  providers::Capabilities caps_ GUARDED_BY(mutex_);
  std::map<std::string, providers::Observed> resources_ GUARDED_BY(mutex_);  // by uid
  std::map<std::string, providers::SandboxRequest> requests_ GUARDED_BY(mutex_);  // by uid
  std::map<std::string, std::string> files_ GUARDED_BY(mutex_);  // by path
  std::map<std::string, int> calls_ GUARDED_BY(mutex_);
  std::map<std::string, int> observes_ GUARDED_BY(mutex_);  // by uid
  std::map<std::string, Status> failures_ GUARDED_BY(mutex_);
  std::map<int, std::string> preview_urls_ GUARDED_BY(mutex_);  // by port
  int64_t next_id_ GUARDED_BY(mutex_) = 1;
  bool new_id_on_restart_ = false;
};

}  // namespace sesame::testing
