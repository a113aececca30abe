#pragma once
// Keeps a directory of manifests applied: each time a file in it changes
// (added, edited, removed), the whole directory is applied again with
// prune, so the store holds exactly what the directory declares. Invalid
// manifests are reported and nothing is applied until they are fixed.

#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace sesame::cli {

class DirectorySync {
 public:
  // `report` receives one line per outcome or error.
  DirectorySync(store::Store& store, std::string dir, bool recursive, std::string applyset,
                std::function<void(const std::string&)> report);

  // Applies the directory if anything changed since the last call; returns
  // true when something was written.
  bool SyncIfChanged();

  // The applyset `sesame up DIR` uses: "up-" and the directory's name.
  static std::string ApplysetFor(const std::string& dir);

 private:
  std::string Fingerprint() const;

  store::Store& store_;
  std::string dir_;
  bool recursive_;
  std::string applyset_;
  std::function<void(const std::string&)> report_;
  std::string last_fingerprint_;
};

}  // namespace sesame::cli
