#include "reconcilers/workspace_registry.h"

#include <filesystem>

#include "reconcilers/sandbox_reconciler.h"
#include "specs/object.h"

namespace sesame::reconcilers {

std::string WorkspaceDir(const std::string& home, const specs::Sandbox& sandbox) {
  if (sandbox.spec.workspace.path.empty()) {
    return home + "/sandboxes/" + sandbox.metadata.namespace_ + "/" + sandbox.metadata.name;
  }
  std::error_code ec;
  return std::filesystem::absolute(sandbox.spec.workspace.path, ec).lexically_normal().string();
}

void WorkspaceRegistry::Record(const specs::Sandbox& sandbox) {
  std::string key = specs::ObjectKey{specs::kKindSandbox, sandbox.metadata.namespace_, sandbox.metadata.name}.ToString();
  MutexLock lock(mutex_);
  // Default workspaces live under $SESAME_HOME, which every sandbox hides.
  if (sandbox.spec.workspace.path.empty()) {
    custom_.erase(key);
  } else {
    custom_[key] = WorkspaceDir(home_, sandbox);
  }
}

void WorkspaceRegistry::Forget(const std::string& key) {
  MutexLock lock(mutex_);
  custom_.erase(key);
}

Result<std::vector<std::string>> WorkspaceRegistry::Others(store::Store& store, const std::string& key) {
  bool loaded;
  {
    MutexLock lock(mutex_);
    loaded = loaded_;
  }
  if (!loaded) {
    store::ListOptions options;
    options.kind = specs::kKindSandbox;
    auto objects = store.List(options);
    if (!objects.ok()) return objects.status();
    for (const specs::Object& object : *objects) {
      // Only a spec that names a path or a template can have a custom
      // workspace: the others need no decoding.
      if (object.spec.find("\"workspace\"") == std::string::npos &&
          object.spec.find("\"templateRef\"") == std::string::npos) {
        continue;
      }
      auto sandbox = ResolveSandbox(store, object);
      if (sandbox.ok()) Record(*sandbox);
    }
  }
  MutexLock lock(mutex_);
  loaded_ = true;
  std::vector<std::string> dirs;
  for (const auto& [other, dir] : custom_) {
    if (other != key) dirs.push_back(dir);
  }
  return dirs;
}

}  // namespace sesame::reconcilers
