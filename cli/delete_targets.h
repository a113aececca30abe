#pragma once
// What `sesame delete` was asked to delete, read from its arguments and
// flags before anything is listed: the objects named, the manifests of -f,
// those matching -l, or every object of a type (--all), in one namespace or
// (-A) in all of them. The combinations kubectl refuses are refused here
// with kubectl's words.

#include <string>
#include <vector>

#include "cli/flags.h"
#include "cli/kinds.h"
#include "common/status.h"
#include "specs/object.h"

namespace sesame::cli {

struct DeleteTargets {
  enum class Way { kNamed, kFiles, kSelector, kAll };
  Way way = Way::kNamed;
  std::vector<specs::ObjectKey> named;  // kNamed
  std::vector<std::string> files;       // kFiles
  Resource resource = Resource::kSandboxes;  // kSelector, kAll
  std::string ns;                       // "" with -A
  std::string selector;                 // kSelector
};

// kInvalid, with the message to print, for a combination delete refuses.
Result<DeleteTargets> ReadDeleteTargets(const ParsedFlags& flags);

}  // namespace sesame::cli
