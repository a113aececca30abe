#pragma once
// A Provider decorator that notes when Create starts and returns for each
// object, so a benchmark can split apply->Ready into time spent before the
// provider is called, inside Create, and after it. Everything else is
// forwarded unchanged.
//
// Thread safety: as the wrapped Provider; the record has its own mutex.

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "common/mutex.h"
#include "providers/provider.h"

namespace sesame::bench {

struct CreateTiming {
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
};

class TimingProvider final : public providers::Provider {
 public:
  explicit TimingProvider(std::unique_ptr<providers::Provider> inner) : inner_(std::move(inner)) {}

  // The first Create of `key`, or nullopt when there was none.
  std::optional<CreateTiming> CreateTimingOf(const specs::ObjectKey& key);

  std::string name() const override { return inner_->name(); }
  providers::Capabilities capabilities() const override { return inner_->capabilities(); }
  Result<providers::Observed> Create(const providers::SandboxRequest& request) override;
  Result<std::optional<providers::Observed>> Observe(const std::string& uid) override {
    return inner_->Observe(uid);
  }
  Result<std::vector<providers::Observed>> ListOwned() override { return inner_->ListOwned(); }
  Status Update(const providers::Observed& current, const providers::SandboxRequest& request) override {
    return inner_->Update(current, request);
  }
  Status Suspend(const providers::Observed& current) override { return inner_->Suspend(current); }
  Status Resume(const providers::Observed& current) override { return inner_->Resume(current); }
  Status Restart(const providers::Observed& current, const providers::SandboxRequest& request) override {
    return inner_->Restart(current, request);
  }
  Status Delete(const providers::Observed& current) override { return inner_->Delete(current); }
  Result<int> Exec(const providers::Observed& current, const providers::ExecRequest& request,
                   providers::Streams& streams) override {
    return inner_->Exec(current, request, streams);
  }
  Status Logs(const providers::Observed& current, const providers::LogOptions& options,
              providers::Streams& streams) override {
    return inner_->Logs(current, options, streams);
  }
  Status Attach(const providers::Observed& current, providers::Streams& streams) override {
    return inner_->Attach(current, streams);
  }
  Result<std::string> ReadFile(const providers::Observed& current, const std::string& path) override {
    return inner_->ReadFile(current, path);
  }
  Status WriteFile(const providers::Observed& current, const std::string& path,
                   const std::string& content) override {
    return inner_->WriteFile(current, path, content);
  }
  Result<std::vector<providers::ViolationRecord>> DrainViolations() override {
    return inner_->DrainViolations();
  }

 private:
  std::unique_ptr<providers::Provider> inner_;
  Mutex mutex_;
  std::map<specs::ObjectKey, CreateTiming> creates_ GUARDED_BY(mutex_);
};

}  // namespace sesame::bench
