#pragma once
// What the CLI asks of Sesame, whether the store is embedded (this process
// opens $SESAME_HOME/state.db) or remote (a server's HTTP API). Commands
// print only through this interface, so both modes share one printing path.

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
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
  virtual Result<std::vector<store::Event>> ListEvents(const store::EventFilter& filter) = 0;
};

// A client on the embedded store at `db_path`.
Result<std::unique_ptr<Client>> NewEmbeddedClient(const std::string& db_path);

}  // namespace sesame::cli
