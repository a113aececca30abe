#include "specs/sandbox.h"

namespace sesame::specs {

const char* ToString(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::kNever: return "Never";
    case RestartPolicy::kOnFailure: return "OnFailure";
    case RestartPolicy::kAlways: return "Always";
  }
  return "Never";
}

const char* ToString(DeletionPolicy p) {
  return p == DeletionPolicy::kOrphan ? "Orphan" : "Delete";
}

const Condition* SandboxStatus::FindCondition(const std::string& type) const {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace sesame::specs
