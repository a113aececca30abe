#pragma once
// The writes behind both HTTP APIs (the /v1 routes and the Kubernetes
// routes): an object from a request body, create, replace, and
// read-modify-write with retries, each optionally a dry run that validates
// and computes the result without storing it.

#include <functional>
#include <string_view>

#include "common/status.h"
#include "specs/manifest.h"
#include "store/store.h"

namespace sesame::controller::api {

// Exactly one object of `key`'s kind and namespace (and name, when set) from
// a YAML or JSON body. Validation errors are in `parsed` (kInvalid).
Result<specs::Object> ObjectFromBody(std::string_view body, const specs::ObjectKey& key,
                                     specs::ParsedManifests* parsed);

// kAlreadyExists when the object is there.
Result<specs::Object> CreateObject(store::Store& store, const specs::Object& object, bool dry_run);

// Replaces labels, annotations and spec; a non-zero resourceVersion is a
// precondition. Finalizers belong to the controller and are kept.
Result<specs::Object> ReplaceObject(store::Store& store, specs::Object desired, bool dry_run);

// Reads the object, lets `edit` compute the new one from it and replaces it
// with the read resourceVersion as precondition, again when another writer
// got in between. An error from `edit` is returned as is.
using ObjectEdit = std::function<Result<specs::Object>(const specs::Object& current)>;
Result<specs::Object> EditObject(store::Store& store, const specs::ObjectKey& key, bool dry_run,
                                 const ObjectEdit& edit);

}  // namespace sesame::controller::api
