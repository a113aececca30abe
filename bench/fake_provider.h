#pragma once
// An in-process provider for measuring the controller's own cost: Create
// records a Running resource carrying the request's field hashes (so the
// next plan for an unchanged spec is "nothing"), Observe and ListOwned
// return what was recorded, Delete forgets it. It does no I/O; the
// session operations (exec, logs, files, ...) are kUnsupported. It is not
// the tests' shared fake (tests/testing/fake_provider.h) on purpose: that
// one counts every call and can fail any of them, bookkeeping these
// benchmarks would measure as the controller's cost.
//
// Thread-safe.

#include <map>
#include <string>

#include "common/mutex.h"
#include "providers/provider.h"

namespace sesame::bench {

class FakeProvider final : public providers::Provider {
 public:
  // `name` is what sandboxes name in spec.provider.
  explicit FakeProvider(std::string name) : name_(std::move(name)) {}

  size_t size();

  std::string name() const override { return name_; }
  providers::Capabilities capabilities() const override;
  Result<providers::Observed> Create(const providers::SandboxRequest& request) override;
  Result<std::optional<providers::Observed>> Observe(const std::string& uid) override;
  Result<std::vector<providers::Observed>> ListOwned() override;
  Status Update(const providers::Observed& current, const providers::SandboxRequest& request) override;
  Status Suspend(const providers::Observed&) override { return Unsupported(); }
  Status Resume(const providers::Observed&) override { return Unsupported(); }
  Status Restart(const providers::Observed&, const providers::SandboxRequest&) override {
    return Unsupported();
  }
  Status Delete(const providers::Observed& current) override;
  Result<int> Exec(const providers::Observed&, const providers::ExecRequest&,
                   providers::Streams&) override {
    return Unsupported();
  }
  Status Logs(const providers::Observed&, const providers::LogOptions&, providers::Streams&) override {
    return Unsupported();
  }
  Status Attach(const providers::Observed&, providers::Streams&) override { return Unsupported(); }
  Result<std::string> ReadFile(const providers::Observed&, const std::string&) override {
    return Unsupported();
  }
  Status WriteFile(const providers::Observed&, const std::string&, const std::string&) override {
    return Unsupported();
  }

 private:
  static Status Unsupported() { return UnsupportedError("the benchmark's fake provider cannot do this"); }

  const std::string name_;
  Mutex mutex_;
  std::map<std::string, providers::Observed> resources_ GUARDED_BY(mutex_);  // by uid
  int64_t next_id_ GUARDED_BY(mutex_) = 1;
};

}  // namespace sesame::bench
