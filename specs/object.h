#pragma once
// The generic form of every Sesame object: what the store keeps and the API
// serves. Spec and status travel as canonical JSON text (compact, keys
// sorted) so that "unchanged" is a string comparison and this header stays
// free of heavy JSON headers; specs/codec.h turns them into typed values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace sesame::specs {

inline constexpr char kApiVersion[] = "sesame.dev/v1alpha1";
inline constexpr char kKindSandbox[] = "Sandbox";
inline constexpr char kKindSandboxTemplate[] = "SandboxTemplate";
inline constexpr char kDefaultNamespace[] = "default";
// The finalizer that holds a Sandbox until its provider resource is gone.
inline constexpr char kSandboxFinalizer[] = "sesame.dev/provider-cleanup";
// The annotation that records which applyset last applied an object.
inline constexpr char kApplysetAnnotation[] = "sesame.dev/applyset";
// Set by `sesame restart` (a time): the controller restarts the session
// once per new value, as status.restartedAt records.
inline constexpr char kRestartedAtAnnotation[] = "sesame.dev/restartedAt";
// Set by `sesame resume` (a time): also wakes a sandbox that
// lifetime.idleTimeout suspended before that time.
inline constexpr char kResumedAtAnnotation[] = "sesame.dev/resumedAt";

using StringMap = std::map<std::string, std::string>;

struct ObjectMeta {
  std::string name;
  std::string namespace_ = kDefaultNamespace;
  StringMap labels;
  StringMap annotations;
  // Server-set fields.
  std::string uid;
  int64_t generation = 0;
  int64_t resource_version = 0;
  std::optional<Time> creation_timestamp;
  std::optional<Time> deletion_timestamp;
  std::vector<std::string> finalizers;

  bool operator==(const ObjectMeta&) const = default;
};

struct Object {
  std::string api_version = kApiVersion;
  std::string kind;
  ObjectMeta metadata;
  std::string spec = "{}";    // canonical JSON text
  std::string status = "{}";  // canonical JSON text

  bool operator==(const Object&) const = default;
};

// "sandbox/NAME" style reference used in CLI output.
std::string ResourceName(const std::string& kind);  // "sandbox", "sandboxtemplate"

// Identifies one object in the store and the work queue.
struct ObjectKey {
  std::string kind;
  std::string namespace_;
  std::string name;
  bool operator==(const ObjectKey&) const = default;
  auto operator<=>(const ObjectKey&) const = default;
  std::string ToString() const;  // "Sandbox/default/name"
};

inline ObjectKey KeyOf(const Object& o) { return {o.kind, o.metadata.namespace_, o.metadata.name}; }

}  // namespace sesame::specs
