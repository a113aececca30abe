#pragma once
// What the CLI asks of Sesame, whether the store is embedded (this process
// opens $SESAME_HOME/state.db and talks to the providers itself) or remote
// (a server's HTTP API). Commands print only through this interface, so
// both modes share one printing path.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/runtime.h"
#include "common/status.h"
#include "providers/provider.h"
#include "security/admin_settings.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::cli {

struct ObjectList {
  std::vector<specs::Object> items;
  int64_t resource_version = 0;
};

class Client {
 public:
  virtual ~Client() = default;
  virtual Result<std::vector<store::ApplyOutcome>> Apply(const std::vector<specs::Object>& objects,
                                                         const store::ApplyOptions& options) = 0;
  virtual Result<specs::Object> Get(const specs::ObjectKey& key) = 0;
  virtual Result<ObjectList> List(const store::ListOptions& options) = 0;
  virtual Status Delete(const specs::ObjectKey& key) = 0;
  // Merges `merge_patch` (a JSON object, RFC 7386) into the object's
  // labels, annotations and spec; returns the object as stored.
  virtual Result<specs::Object> Patch(const specs::ObjectKey& key, const std::string& merge_patch) = 0;
  virtual Result<std::vector<store::Event>> ListEvents(const store::EventFilter& filter) = 0;
  // Calls `on_event` for every change after `resource_version` (0: the
  // current objects first, as ADDED) until it returns false or `timeout`
  // passes (both OK; the callback knows which). Changes arrive as
  // they are written: the embedded client wakes on the store's change
  // signal, the remote one reads the server's watch stream.
  virtual Status Watch(const store::ListOptions& options, int64_t resource_version, Millis timeout,
                       const std::function<bool(const store::WatchEvent&)>& on_event) = 0;
  Status Watch(const store::ListOptions& options, int64_t resource_version,
               const std::function<bool(const store::WatchEvent&)>& on_event) {
    return Watch(options, resource_version, Millis::max(), on_event);
  }

  // Security: the admin settings (with the platform probe, as text), and
  // the violations sandboxes reported.
  struct SecurityState {
    security::AdminSettings settings;
    std::string probe;  // what the kernel allows and the backend chosen
  };
  virtual Result<SecurityState> GetSecurity() = 0;
  virtual Status SetSecurity(const security::AdminSettings& settings) = 0;
  virtual Result<std::vector<store::Violation>> ListViolations(const store::ViolationFilter& filter) = 0;
  // Calls `on_violation` for each violation after filter.after_id, as they
  // are recorded, until it returns false.
  virtual Status WatchViolations(const store::ViolationFilter& filter,
                                 const std::function<bool(const store::Violation&)>& on_violation) = 0;

  // The GitSync objects of `ns` ("" for all) and the directory syncs
  // (controller/sync_status.h).
  virtual Result<std::vector<specs::Object>> ListSyncs(const std::string& ns) = 0;
  // Asks for a sync now of the GitSync `name` (every one of `ns` when
  // empty); returns how many were asked (at least one).
  virtual Result<int> RequestSync(const std::string& ns, const std::string& name) = 0;
  // The server's version (GET /version); this binary's for the embedded store.
  virtual Result<std::string> ServerVersion() = 0;

  // Operations on a running sandbox.
  virtual Status Logs(const std::string& ns, const std::string& name,
                      const providers::LogOptions& options, providers::Streams& streams) = 0;
  virtual Result<int> Exec(const std::string& ns, const std::string& name,
                           const providers::ExecRequest& request, providers::Streams& streams) = 0;
  virtual Status Attach(const std::string& ns, const std::string& name,
                        providers::Streams& streams) = 0;
  // A file of the sandbox's workspace (`path` relative to it), for
  // providers with file operations.
  virtual Result<std::string> ReadFile(const std::string& ns, const std::string& name,
                                       const std::string& path) = 0;
  virtual Status WriteFile(const std::string& ns, const std::string& name, const std::string& path,
                           const std::string& content) = 0;
  // A URL on this host ("http://127.0.0.1:PORT") that reaches `port` in
  // the sandbox, for port-forward to relay to.
  virtual Result<std::string> PortUrl(const std::string& ns, const std::string& name, int port) = 0;
};

// A client on the embedded store and providers of `runtime` (borrowed).
std::unique_ptr<Client> NewEmbeddedClient(Runtime& runtime);

// A client of the server at `url` ("http://127.0.0.1:7777"), authenticating
// with `token` when not empty.
Result<std::unique_ptr<Client>> NewRemoteClient(const std::string& url, const std::string& token);

// Shared by both clients: matches an object against a list's filter.
bool MatchesList(const specs::Object& o, const store::ListOptions& options);

}  // namespace sesame::cli
