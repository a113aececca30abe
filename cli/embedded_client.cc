#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/client.h"
#include "controller/api/object_writes.h"
#include "controller/sync_status.h"
#include "specs/codec.h"
#include "reconcilers/admin_settings_store.h"
#include "reconcilers/sandbox_handle.h"
#include "security/probe.h"

namespace sesame::cli {

bool MatchesList(const specs::Object& o, const store::ListOptions& options) {
  return o.kind == options.kind &&
         (options.namespace_.empty() || o.metadata.namespace_ == options.namespace_) &&
         (options.name.empty() || o.metadata.name == options.name) &&
         options.selector.Matches(o.metadata.labels);
}

namespace {

// The end of a wait of `timeout` (Millis::max(): never).
class Deadline {
 public:
  explicit Deadline(Millis timeout)
      : forever_(timeout == Millis::max()), at_(forever_ ? Steady::time_point() : Steady::now() + timeout) {}
  bool Passed() const { return !forever_ && Steady::now() >= at_; }
  // How long to wait next; an hour at a time when forever.
  Millis Left() const {
    if (forever_) return std::chrono::hours(1);
    return std::max(Millis(0), std::chrono::duration_cast<Millis>(at_ - Steady::now()) + Millis(1));
  }

 private:
  using Steady = std::chrono::steady_clock;
  bool forever_;
  Steady::time_point at_;
};

class EmbeddedClient final : public Client {
 public:
  explicit EmbeddedClient(Runtime& runtime) : runtime_(runtime), store_(*runtime.store) {}

  Result<std::vector<store::ApplyOutcome>> Apply(const std::vector<specs::Object>& objects,
                                                 const store::ApplyOptions& options) override {
    return store_.Apply(objects, options);
  }
  Result<specs::Object> Get(const specs::ObjectKey& key) override { return store_.Get(key); }
  Result<ObjectList> List(const store::ListOptions& options) override {
    // Read the version first: the list is at least that new.
    auto rv = store_.CurrentResourceVersion();
    if (!rv.ok()) return rv.status();
    auto items = store_.List(options);
    if (!items.ok()) return items.status();
    return ObjectList{std::move(items).value(), *rv};
  }
  Status Delete(const specs::ObjectKey& key) override { return store_.Delete(key); }
  Result<specs::Object> Patch(const specs::ObjectKey& key, const std::string& merge_patch) override {
    auto patch = nlohmann::json::parse(merge_patch, nullptr, false);
    if (!patch.is_object()) return InvalidError("a merge patch must be a JSON object (RFC 7386)");
    specs::ParsedManifests parsed;
    auto updated = controller::api::EditObject(store_, key, false, [&](const specs::Object& current) {
      auto merged = nlohmann::json::parse(specs::ObjectToJson(current, false));
      merged.erase("status");
      merged.merge_patch(patch);
      return controller::api::ObjectFromBody(merged.dump(), key, &parsed);
    });
    if (!parsed.ok()) return InvalidError(parsed.ErrorText());
    return updated;
  }
  Result<std::vector<store::Event>> ListEvents(const store::EventFilter& filter) override {
    return store_.ListEvents(filter);
  }

  using Client::Watch;
  Status Watch(const store::ListOptions& options, int64_t resource_version, Millis timeout,
               const std::function<bool(const store::WatchEvent&)>& on_event) override {
    Deadline deadline(timeout);
    // Read before the state: a write after this is never missed.
    uint64_t seq = store_.ChangeSequence();
    if (resource_version == 0) {
      auto list = List(options);
      if (!list.ok()) return list.status();
      for (auto& o : list->items) {
        if (!on_event({list->resource_version, store::WatchType::kAdded, o})) return Status::Ok();
      }
      resource_version = list->resource_version;
    }
    while (true) {
      auto changes = store_.ChangesSince(resource_version, 1000);
      if (!changes.ok()) return changes.status();
      for (const auto& c : *changes) {
        resource_version = c.resource_version;
        if (MatchesList(c.object, options) && !on_event(c)) return Status::Ok();
      }
      if (changes->size() == 1000) continue;
      if (deadline.Passed()) return Status::Ok();
      seq = store_.WaitForChange(seq, deadline.Left());
    }
  }

  Result<SecurityState> GetSecurity() override {
    auto settings = reconcilers::LoadAdminSettings(store_, security::AdminSettingsFromEnv());
    if (!settings.ok()) return settings.status();
    return SecurityState{*settings, security::CachedProbe().ToString()};
  }
  Status SetSecurity(const security::AdminSettings& settings) override {
    auto before = reconcilers::LoadAdminSettings(store_, security::AdminSettingsFromEnv());
    if (!before.ok()) return before.status();
    return reconcilers::ChangeAdminSettings(store_, *before, settings, Clock::Real().Now());
  }
  Result<std::vector<store::Violation>> ListViolations(const store::ViolationFilter& filter) override {
    return store_.ListViolations(filter);
  }
  Status WatchViolations(const store::ViolationFilter& filter,
                         const std::function<bool(const store::Violation&)>& on_violation) override {
    store::ViolationFilter next = filter;
    uint64_t seq = store_.ChangeSequence();
    while (true) {
      auto batch = store_.ListViolations(next);
      if (!batch.ok()) return batch.status();
      for (const auto& v : *batch) {
        next.after_id = v.id;
        if (!on_violation(v)) return Status::Ok();
      }
      if (batch->size() < next.limit) seq = store_.WaitForChange(seq, std::chrono::hours(1));
    }
  }

  Result<std::vector<specs::Object>> ListSyncs(const std::string& ns) override {
    return controller::ListSyncs(store_, ns);
  }
  Result<std::string> ServerVersion() override { return std::string(SESAME_VERSION); }
  Result<int> RequestSync(const std::string& ns, const std::string& name) override {
    return controller::RequestSync(store_, ns, name);
  }

  Status Logs(const std::string& ns, const std::string& name, const providers::LogOptions& options,
              providers::Streams& streams) override {
    auto handle = Find(ns, name);
    if (!handle.ok()) return handle.status();
    return handle->provider->Logs(handle->observed, options, streams);
  }
  Result<int> Exec(const std::string& ns, const std::string& name,
                   const providers::ExecRequest& request, providers::Streams& streams) override {
    auto handle = Find(ns, name);
    if (!handle.ok()) return handle.status();
    providers::ExecRequest with_env = request;
    if (with_env.env.empty()) with_env.env = reconcilers::ExecEnvironment(handle->sandbox.spec);
    return handle->provider->Exec(handle->observed, with_env, streams);
  }
  Status Attach(const std::string& ns, const std::string& name, providers::Streams& streams) override {
    auto handle = Find(ns, name);
    if (!handle.ok()) return handle.status();
    if (!handle->sandbox.spec.stdin_open) {
      return InvalidError("sandbox/" + name + " has no stdin: set spec.stdin: true to attach");
    }
    return handle->provider->Attach(handle->observed, streams);
  }
  Result<std::string> PortUrl(const std::string& ns, const std::string& name, int port) override {
    auto handle = Find(ns, name);
    if (!handle.ok()) return handle.status();
    return reconcilers::PortUrl(*handle, port);
  }
  Result<std::string> ReadFile(const std::string& ns, const std::string& name, const std::string& path) override {
    auto handle = FindWithFiles(ns, name);
    if (!handle.ok()) return handle.status();
    return handle->provider->ReadFile(handle->observed, path);
  }
  Status WriteFile(const std::string& ns, const std::string& name, const std::string& path,
                   const std::string& content) override {
    auto handle = FindWithFiles(ns, name);
    if (!handle.ok()) return handle.status();
    return handle->provider->WriteFile(handle->observed, path, content);
  }

 private:
  Result<reconcilers::SandboxHandle> Find(const std::string& ns, const std::string& name) {
    return reconcilers::FindSandboxResource(store_, *runtime_.registry, ns, name);
  }
  Result<reconcilers::SandboxHandle> FindWithFiles(const std::string& ns, const std::string& name) {
    auto handle = Find(ns, name);
    if (handle.ok() && !handle->provider->capabilities().file_ops) {
      return InvalidError(handle->provider->name() + " sandboxes have no file operations");
    }
    return handle;
  }

  Runtime& runtime_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<Client> NewEmbeddedClient(Runtime& runtime) {
  return std::make_unique<EmbeddedClient>(runtime);
}

}  // namespace sesame::cli
