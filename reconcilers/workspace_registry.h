#pragma once
// Where each sandbox's workspace lives on the host, so that a secured
// sandbox can be kept out of every other sandbox's workspace, wherever it
// is (a custom spec.workspace.path outside $SESAME_HOME is not covered by
// hiding $SESAME_HOME).
//
// Thread safety: all methods may be called from several threads at once.

#include <map>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "specs/sandbox.h"
#include "store/store.h"

namespace sesame::reconcilers {

// The workspace directory of `sandbox` on the host: spec.workspace.path
// made absolute (against the controller's working directory), or
// `home`/sandboxes/NS/NAME.
std::string WorkspaceDir(const std::string& home, const specs::Sandbox& sandbox);

class WorkspaceRegistry {
 public:
  explicit WorkspaceRegistry(std::string home) : home_(std::move(home)) {}

  // Records the workspace of `sandbox` (the effective one, template merged).
  void Record(const specs::Sandbox& sandbox);
  // Forgets the object `key` (ObjectKey::ToString) once it is gone.
  void Forget(const std::string& key);
  // The custom workspace directories of every sandbox but `key`'s. The
  // first call reads them all from `store`; later calls see what
  // Record/Forget said since.
  Result<std::vector<std::string>> Others(store::Store& store, const std::string& key);

 private:
  const std::string home_;
  Mutex mutex_;
  bool loaded_ GUARDED_BY(mutex_) = false;
  std::map<std::string, std::string> custom_ GUARDED_BY(mutex_);  // key -> dir
};

}  // namespace sesame::reconcilers
