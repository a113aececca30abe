#pragma once
// The syncs `sesame get syncs` and GET /v1/syncs show: every GitSync object
// (specs/gitsync.h), and the directory syncs of `sesame up DIR`, which are
// no objects: each is kept in the store as the setting "sync/<applyset>"
// (an object of kind DirectorySync as JSON), with the setting "syncs"
// listing them, so that any process sharing the database can read them.

#include <string>
#include <vector>

#include "common/status.h"
#include "specs/gitsync.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::controller {

using specs::kKindDirectorySync;

// Records the status of the directory sync `applyset` of `path`.
Status SaveDirectorySync(store::Store& store, const std::string& applyset, const std::string& path,
                         bool recursive, const specs::GitSyncStatus& status);

// The GitSync objects of namespace `ns` ("" for all) followed by the
// directory syncs (namespace "default").
Result<std::vector<specs::Object>> ListSyncs(store::Store& store, const std::string& ns);

// Asks the controller to sync the GitSync `name` of namespace `ns` now
// (every GitSync of `ns` when `name` is empty, of every namespace when `ns`
// is empty too) by setting its "sesame.dev/sync-requested-at" annotation.
// Returns how many were asked; kNotFound for a named one that does not exist.
Result<int> RequestSync(store::Store& store, const std::string& ns, const std::string& name);

}  // namespace sesame::controller
