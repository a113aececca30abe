// The Store factory and the enum names of store.h.

#include "store/store.h"

#include "store/sqlite_store.h"

namespace sesame::store {

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const Clock& clock) {
  return OpenSqliteStore(path, clock, StoreOptions{});
}

const char* ToString(ApplyAction a) {
  switch (a) {
    case ApplyAction::kCreated: return "created";
    case ApplyAction::kConfigured: return "configured";
    case ApplyAction::kUnchanged: return "unchanged";
    case ApplyAction::kPruned: return "pruned";
  }
  return "unknown";
}

const char* ToString(WatchType t) {
  switch (t) {
    case WatchType::kAdded: return "ADDED";
    case WatchType::kModified: return "MODIFIED";
    case WatchType::kDeleted: return "DELETED";
  }
  return "UNKNOWN";
}

}  // namespace sesame::store
