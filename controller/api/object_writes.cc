#include "controller/api/object_writes.h"

namespace sesame::controller::api {

Result<specs::Object> ObjectFromBody(std::string_view body, const specs::ObjectKey& key,
                                     specs::ParsedManifests* parsed) {
  *parsed = specs::ParseManifests(body, "<request>");
  if (!parsed->ok()) return InvalidError("invalid manifest");
  if (parsed->objects.size() != 1) return InvalidError("the body must hold exactly one object");
  specs::Object o = parsed->objects[0];
  if (o.kind != key.kind) return InvalidError("the body is a " + o.kind + ", the URL names a " + key.kind);
  if (o.metadata.namespace_ != key.namespace_) {
    return InvalidError("metadata.namespace \"" + o.metadata.namespace_ +
                        "\" does not match the URL's \"" + key.namespace_ + "\"");
  }
  if (!key.name.empty() && o.metadata.name != key.name) {
    return InvalidError("metadata.name \"" + o.metadata.name + "\" does not match the URL's \"" +
                        key.name + "\"");
  }
  return o;
}

Result<specs::Object> CreateObject(store::Store& store, const specs::Object& object, bool dry_run) {
  if (store.Get(specs::KeyOf(object)).ok()) {
    return Status(Code::kAlreadyExists,
                  specs::ResourceName(object.kind) + "/" + object.metadata.name + " already exists");
  }
  store::ApplyOptions options;
  options.dry_run = dry_run;
  auto outcomes = store.Apply({object}, options);
  if (!outcomes.ok()) return outcomes.status();
  return (*outcomes)[0].object;
}

Result<specs::Object> ReplaceObject(store::Store& store, specs::Object desired, bool dry_run) {
  if (dry_run) {
    // Apply computes exactly what the write would store, then rolls back.
    store::ApplyOptions options;
    options.dry_run = true;
    auto outcomes = store.Apply({desired}, options);
    if (!outcomes.ok()) return outcomes.status();
    return (*outcomes)[0].object;
  }
  auto current = store.Get(specs::KeyOf(desired));
  if (!current.ok()) return current.status();
  desired.metadata.finalizers = current->metadata.finalizers;
  return store.Update(desired);
}

Result<specs::Object> EditObject(store::Store& store, const specs::ObjectKey& key, bool dry_run,
                                 const ObjectEdit& edit) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = store.Get(key);
    if (!current.ok()) return current.status();
    auto desired = edit(*current);
    if (!desired.ok()) return desired.status();
    desired->metadata.resource_version = current->metadata.resource_version;
    auto written = ReplaceObject(store, std::move(*desired), dry_run);
    if (written.ok() || written.status().code() != Code::kConflict) return written;
  }
  return ConflictError("the object kept changing; try again");
}

}  // namespace sesame::controller::api
