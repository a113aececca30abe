// The object verbs of the Kubernetes API: list, get, create, update,
// patch (merge, JSON and apply patches), delete and deletecollection, over
// the store through the writes the /v1 routes use (object_writes.h).
#include <algorithm>
#include <random>

#include "common/number.h"
#include "controller/api/api_errors.h"
#include "controller/api/kube_internal.h"
#include "controller/api/object_writes.h"
#include "specs/codec.h"
#include "specs/object_json.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

// Drops the fields `schema` does not know from `value`, recording their
// paths (for fieldValidation=Ignore and Warn).
void DropUnknown(json& value, const specs::Schema& schema, const std::string& path,
                 std::vector<std::string>* dropped) {
  if (schema.type == specs::FieldType::kObject && value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      const specs::Field* field = specs::FindField(schema, it.key());
      if (!field) {
        dropped->push_back(path + "." + it.key());
        it = value.erase(it);
        continue;
      }
      DropUnknown(it.value(), field->schema, path + "." + it.key(), dropped);
      ++it;
    }
  } else if (schema.type == specs::FieldType::kList && value.is_array() && !schema.item.empty()) {
    for (size_t i = 0; i < value.size(); ++i) {
      DropUnknown(value[i], schema.item[0], path + "[" + std::to_string(i) + "]", dropped);
    }
  }
}

std::string RandomSuffix() {
  static const char kChars[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 random{std::random_device{}()};
  std::string out;
  for (int i = 0; i < 5; ++i) out += kChars[random() % (sizeof kChars - 1)];
  return out;
}

// A 422 for validation errors, or a 400 "strict decoding error" when the
// only problems are unknown fields (as the Kubernetes API answers).
HttpResponse Invalid(const specs::ParsedManifests& parsed, const KubeResource& resource,
                     const std::string& name) {
  std::string unknown, message;
  json causes = json::array();
  bool only_unknown = true;
  for (const auto& e : parsed.errors) {
    bool is_unknown = e.message.rfind("unknown field", 0) == 0;
    only_unknown = only_unknown && is_unknown && !e.field.empty();
    unknown += std::string(unknown.empty() ? "" : ", ") + "unknown field \"" + e.field + "\"";
    std::string text = e.field.empty() ? e.message : e.field + ": " + e.message;
    message += (message.empty() ? "" : "; ") + text;
    causes.push_back({{"reason", is_unknown ? "FieldValueNotFound" : "FieldValueInvalid"},
                      {"message", e.message},
                      {"field", e.field}});
  }
  if (only_unknown) return KubeError(400, "strict decoding error: " + unknown);
  json details = {{"name", name}, {"group", kKubeGroup}, {"kind", resource.kind}, {"causes", causes}};
  return ErrorResponse(422, resource.kind + "." + kKubeGroup + " \"" + name + "\" is invalid: " + message,
                       details.dump());
}

// The JSON body of a write, or nullopt with `error` set.
std::optional<json> JsonBody(const HttpRequest& r, HttpResponse* error) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) {
    *error = KubeError(400, "the request body is not valid JSON");
    return std::nullopt;
  }
  return body;
}

// A body's metadata.resourceVersion, a precondition of the write: 0 when
// absent (none), an error when it is not a resource version ("abc", "12x"):
// read as 0, it would silently drop the precondition.
Result<int64_t> ResourceVersionIn(const json& doc) {
  if (!doc.is_object() || !doc.contains("metadata") || !doc["metadata"].is_object()) return int64_t{0};
  const json& rv = doc["metadata"].value("resourceVersion", json());
  if (rv.is_string()) return ParseInteger(rv.get<std::string>(), "metadata.resourceVersion", 0);
  if (rv.is_number_unsigned()) return rv.get<int64_t>();
  if (rv.is_null()) return int64_t{0};
  return InvalidError("metadata.resourceVersion: expected a resource version (a non-negative integer), got " +
                      rv.dump());
}

// The stored object's resourceVersion (always well formed).
int64_t StoredResourceVersion(const json& doc) {
  Result<int64_t> rv = ResourceVersionIn(doc);
  return rv.ok() ? *rv : 0;
}

json ListOf(const KubeResource& resource, const std::vector<specs::Object>& items) {
  json out = json::array();
  for (const auto& o : items) out.push_back(specs::ObjectToJsonValue(o));
  return {{"apiVersion", kKubeGroupVersion}, {"kind", resource.kind + "List"}, {"items", out}};
}

// Validates `doc` as the object `t` names (namespace and name filled in
// from the URL when absent); nullopt with `error` set when it is not.
// With fieldValidation=Warn, the Warning header naming the dropped fields
// is left in `error->headers` for the caller's successful response.
std::optional<specs::Object> DecodeObject(const HttpRequest& r, const KubeApi::Target& t, json doc,
                                          HttpResponse* error) {
  if (!doc.is_object()) {
    *error = KubeError(400, "the body must be a JSON object");
    return std::nullopt;
  }
  json& meta = doc["metadata"];
  if (!meta.is_object()) meta = json::object();
  if (!meta.contains("namespace")) meta["namespace"] = t.ns;
  if (!t.name.empty() && !meta.contains("name")) meta["name"] = t.name;
  if (meta.contains("generateName")) {
    if (!meta.contains("name") && meta["generateName"].is_string()) {
      meta["name"] = meta["generateName"].get<std::string>() + RandomSuffix();
    }
    meta.erase("generateName");
  }
  // Kept by the Kubernetes API but not by Sesame.
  for (const char* server_only : {"managedFields", "selfLink"}) meta.erase(server_only);
  std::string validation = r.Query("fieldValidation", "Strict");
  std::vector<std::string> dropped;
  if (validation == "Ignore" || validation == "Warn") {
    for (auto it = doc.begin(); it != doc.end();) {
      static const char* const kTop[] = {"apiVersion", "kind", "metadata", "spec", "status"};
      bool known = std::any_of(std::begin(kTop), std::end(kTop), [&](const char* k) { return it.key() == k; });
      if (!known) {
        dropped.push_back(it.key());
        it = doc.erase(it);
      } else {
        ++it;
      }
    }
    DropUnknown(meta, specs::MetadataSchema(), "metadata", &dropped);
    if (doc.contains("spec") && t.resource->spec) DropUnknown(doc["spec"], *t.resource->spec, "spec", &dropped);
  }
  std::string name = meta.value("name", json("")).is_string() ? meta.value("name", "") : "";
  specs::ParsedManifests parsed;
  auto object = ObjectFromBody(doc.dump(), {t.resource->kind, t.ns, t.name}, &parsed);
  if (!parsed.ok()) {
    *error = Invalid(parsed, *t.resource, name);
    return std::nullopt;
  }
  if (!object.ok()) {
    *error = KubeError(400, object.status().message());
    return std::nullopt;
  }
  if (validation == "Warn" && !dropped.empty()) {
    std::string warning;
    for (const auto& d : dropped) warning += (warning.empty() ? "" : ", ") + ("unknown field \\\"" + d + "\\\"");
    error->headers["Warning"] = "299 - \"" + warning + "\"";
  }
  return std::move(object).value();
}

}  // namespace

HttpResponse KubeApi::List(const HttpRequest& r, const Target& t) {
  auto filter = FilterOf(r);
  if (!filter.ok()) return KubeError(400, filter.status().message());
  auto limit = r.QueryInteger("limit", 0, 0);
  if (!limit.ok()) return KubeError(400, limit.status().message());
  auto rv = store_->CurrentResourceVersion();
  if (!rv.ok()) return ErrorResponse(rv.status());
  auto all = store_->List({t.resource->kind, t.ns, filter->labels});
  if (!all.ok()) return ErrorResponse(all.status());
  auto templates = StoreTemplates(*store_);
  std::sort(all->begin(), all->end(), [](const specs::Object& a, const specs::Object& b) {
    return std::tie(a.metadata.namespace_, a.metadata.name) < std::tie(b.metadata.namespace_, b.metadata.name);
  });
  // The continue token is the namespace/name of the last item served.
  std::string after = r.Query("continue");
  std::vector<specs::Object> items;
  int64_t remaining = 0;
  std::string next;
  for (auto& o : *all) {
    if (!after.empty() && o.metadata.namespace_ + "/" + o.metadata.name <= after) continue;
    if (!filter->fields.Matches(o, templates)) continue;
    if (*limit > 0 && static_cast<int64_t>(items.size()) == *limit) {
      ++remaining;
      continue;
    }
    items.push_back(std::move(o));
  }
  json metadata = {{"resourceVersion", std::to_string(*rv)}};
  if (remaining > 0) {
    metadata["continue"] = items.back().metadata.namespace_ + "/" + items.back().metadata.name;
    metadata["remainingItemCount"] = remaining;
  }
  json body = WantsTable(r) ? TableOf(*t.resource, items, r.Query("includeObject"), templates)
                            : ListOf(*t.resource, items);
  body["metadata"] = metadata;
  return KubeJson(200, body);
}

HttpResponse KubeApi::Get(const HttpRequest& r, const Target& t) {
  auto object = store_->Get(t.Key());
  if (!object.ok()) return KubeError(object.status(), *t.resource, t.name);
  if (!WantsTable(r)) return KubeJson(200, specs::ObjectToJsonValue(*object));
  json table = TableOf(*t.resource, {*object}, r.Query("includeObject"), StoreTemplates(*store_));
  table["metadata"] = {{"resourceVersion", std::to_string(object->metadata.resource_version)}};
  return KubeJson(200, table);
}

HttpResponse KubeApi::Create(const HttpRequest& r, const Target& t) {
  HttpResponse error;
  auto body = JsonBody(r, &error);
  if (!body) return error;
  auto object = DecodeObject(r, t, *body, &error);
  if (!object) return error;
  auto created = CreateObject(*store_, *object, DryRun(r));
  if (!created.ok()) return KubeError(created.status(), *t.resource, object->metadata.name);
  if (!DryRun(r)) Wrote();
  HttpResponse response = KubeJson(201, specs::ObjectToJsonValue(*created));
  response.headers.insert(error.headers.begin(), error.headers.end());
  return response;
}

namespace {

// A new status from a whole object's "status", or an error.
Result<std::string> StatusFrom(const json& doc) {
  json status = doc.value("status", json::object());
  if (!status.is_object()) return InvalidError("status must be an object");
  std::string text = specs::CanonicalJson(status.dump());
  if (doc.value("kind", "") == specs::kKindSandbox) {
    auto decoded = specs::DecodeSandboxStatus(text);
    if (!decoded.ok()) return decoded.status();
  }
  return text;
}

// Writes the status `edit` computes from the current object's JSON (with
// retries when the object changed in between).
HttpResponse WriteStatus(store::Store& store, const KubeApi::Target& t, bool dry_run,
                                 const std::function<Result<json>(json current)>& edit, bool* wrote) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = store.Get(t.Key());
    if (!current.ok()) return KubeError(current.status(), *t.resource, t.name);
    auto doc = edit(specs::ObjectToJsonValue(*current));
    if (!doc.ok()) return KubeError(doc.status().code() == Code::kConflict ? 409 : 422, doc.status().message());
    auto status = StatusFrom(*doc);
    if (!status.ok()) return KubeError(422, status.status().message());
    specs::Object next = *current;
    next.status = *status;
    if (dry_run) return KubeJson(200, specs::ObjectToJsonValue(next));
    auto written = store.UpdateStatus(next);
    if (written.ok()) {
      *wrote = true;
      return KubeJson(200, specs::ObjectToJsonValue(*written));
    }
    if (written.status().code() != Code::kConflict) return KubeError(written.status(), *t.resource, t.name);
  }
  return KubeError(409, "the object kept changing; try again");
}

}  // namespace

HttpResponse KubeApi::Update(const HttpRequest& r, const Target& t) {
  HttpResponse error;
  auto body = JsonBody(r, &error);
  if (!body) return error;
  bool dry = DryRun(r);
  if (t.subresource == "status") {
    Result<int64_t> precondition = ResourceVersionIn(*body);
    if (!precondition.ok()) return KubeError(400, precondition.status().message());
    bool wrote = false;
    HttpResponse response = WriteStatus(*store_, t, dry, [&](json current) -> Result<json> {
      if (*precondition != 0 && *precondition != StoredResourceVersion(current)) {
        return ConflictError("the object has been modified; please apply your changes to the latest version and try again");
      }
      current["status"] = body->value("status", json::object());
      return current;
    }, &wrote);
    if (wrote) Wrote();
    return response;
  }
  auto object = DecodeObject(r, t, *body, &error);
  if (!object) return error;
  auto updated = ReplaceObject(*store_, *object, dry);
  if (!updated.ok()) return KubeError(updated.status(), *t.resource, t.name);
  if (!dry) Wrote();
  HttpResponse response = KubeJson(200, specs::ObjectToJsonValue(*updated));
  response.headers.insert(error.headers.begin(), error.headers.end());
  return response;
}

HttpResponse KubeApi::Patch(const HttpRequest& r, const Target& t) {
  std::string type = r.Header("content-type");
  type = type.substr(0, type.find(';'));
  bool merge = type == "application/merge-patch+json";
  bool json_patch = type == "application/json-patch+json";
  bool apply = type == "application/apply-patch+yaml";
  if (!merge && !json_patch && !apply) {
    return KubeError(415, "the body of the request was in an unknown format - accepted media types include: "
                          "application/json-patch+json, application/merge-patch+json, "
                          "application/apply-patch+yaml");
  }
  HttpResponse error;
  json patch;
  if (apply && !json::accept(r.body)) {
    // A YAML intent: read it as a manifest, then as JSON.
    auto parsed = specs::ParseManifests(r.body, "<request>");
    if (!parsed.ok()) return Invalid(parsed, *t.resource, t.name);
    if (parsed.objects.size() != 1) return KubeError(400, "the body must hold exactly one object");
    patch = specs::ObjectToJsonValue(parsed.objects[0]);
  } else {
    auto body = JsonBody(r, &error);
    if (!body) return error;
    patch = std::move(*body);
  }
  if ((merge || apply) && !patch.is_object()) return KubeError(400, "a merge patch must be a JSON object");
  if (json_patch && !patch.is_array()) return KubeError(400, "a JSON patch must be an array of operations");
  bool dry = DryRun(r);
  // The patched document; a merge patch's resourceVersion is a precondition.
  Result<int64_t> precondition = json_patch ? Result<int64_t>(int64_t{0}) : ResourceVersionIn(patch);
  if (!precondition.ok()) return KubeError(400, precondition.status().message());
  auto patched = [&](json current) -> Result<json> {
    if (!json_patch) {
      if (*precondition != 0 && *precondition != StoredResourceVersion(current)) {
        return ConflictError("the object has been modified; please apply your changes to the latest version and try again");
      }
      current.merge_patch(patch);
      return current;
    }
    try {
      return current.patch(patch);
    } catch (const json::exception& e) {
      return InvalidError(std::string("the JSON patch failed: ") + e.what());
    }
  };
  if (t.subresource == "status") {
    bool wrote = false;
    HttpResponse response = WriteStatus(*store_, t, dry, patched, &wrote);
    if (wrote) Wrote();
    return response;
  }
  if (apply && !store_->Get(t.Key()).ok()) {
    // Server-side apply creates what is missing.
    auto object = DecodeObject(r, t, patch, &error);
    if (!object) return error;
    auto created = CreateObject(*store_, *object, dry);
    if (!created.ok()) return KubeError(created.status(), *t.resource, t.name);
    if (!dry) Wrote();
    return KubeJson(201, specs::ObjectToJsonValue(*created));
  }
  bool failed = false;
  auto updated = EditObject(*store_, t.Key(), dry, [&](const specs::Object& current) -> Result<specs::Object> {
    json doc = specs::ObjectToJsonValue(current);
    doc.erase("status");
    auto next = patched(std::move(doc));
    if (!next.ok()) {
      failed = true;
      error = next.status().code() == Code::kConflict ? KubeError(next.status(), *t.resource, t.name)
                                                       : KubeError(422, next.status().message());
      return next.status();
    }
    auto object = DecodeObject(r, t, *next, &error);
    if (!object) {
      failed = true;
      return InvalidError("invalid");
    }
    return *object;
  });
  if (failed) return error;
  if (!updated.ok()) return KubeError(updated.status(), *t.resource, t.name);
  if (!dry) Wrote();
  HttpResponse response = KubeJson(200, specs::ObjectToJsonValue(*updated));
  response.headers.insert(error.headers.begin(), error.headers.end());
  return response;
}

namespace {

// DeleteOptions come in the body (kubectl) or the query.
struct DeleteOptions {
  bool dry_run = false;
  int64_t resource_version = 0;
  std::string uid;
};

Result<DeleteOptions> DeleteOptionsOf(const HttpRequest& r) {
  DeleteOptions options;
  options.dry_run = DryRun(r);
  if (r.body.empty()) return options;
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return InvalidError("DeleteOptions must be a JSON object");
  for (const auto& v : body.value("dryRun", json::array())) options.dry_run |= v == "All";
  json pre = body.value("preconditions", json::object());
  if (pre.is_object()) {
    Result<int64_t> rv = ResourceVersionIn({{"metadata", pre}});
    if (!rv.ok()) return rv.status();
    options.resource_version = *rv;
    if (pre.contains("uid") && pre["uid"].is_string()) options.uid = pre["uid"];
  }
  return options;
}

}  // namespace

HttpResponse KubeApi::Delete(const HttpRequest& r, const Target& t) {
  auto options = DeleteOptionsOf(r);
  if (!options.ok()) return KubeError(400, options.status().message());
  auto current = store_->Get(t.Key());
  if (!current.ok()) return KubeError(current.status(), *t.resource, t.name);
  if (!options->uid.empty() && options->uid != current->metadata.uid) {
    return KubeError(ConflictError("Precondition failed: UID in precondition: " + options->uid +
                                   ", UID in object meta: " + current->metadata.uid),
                     *t.resource, t.name);
  }
  if (options->dry_run) return KubeJson(200, specs::ObjectToJsonValue(*current));
  Status deleted = store_->Delete(t.Key(), options->resource_version);
  if (!deleted.ok()) return KubeError(deleted, *t.resource, t.name);
  Wrote();
  // Held by a finalizer: the object as it is now, with its deletionTimestamp.
  auto still = store_->Get(t.Key());
  return KubeJson(200, specs::ObjectToJsonValue(still.ok() ? *still : *current));
}

HttpResponse KubeApi::DeleteCollection(const HttpRequest& r, const Target& t) {
  auto options = DeleteOptionsOf(r);
  if (!options.ok()) return KubeError(400, options.status().message());
  auto filter = FilterOf(r);
  if (!filter.ok()) return KubeError(400, filter.status().message());
  auto all = store_->List({t.resource->kind, t.ns, filter->labels});
  if (!all.ok()) return ErrorResponse(all.status());
  auto templates = StoreTemplates(*store_);
  std::vector<specs::Object> deleted;
  for (const auto& o : *all) {
    if (!filter->fields.Matches(o, templates)) continue;
    if (!options->dry_run) {
      Status status = store_->Delete(specs::KeyOf(o));
      if (!status.ok() && status.code() != Code::kNotFound) return KubeError(status, *t.resource, o.metadata.name);
    }
    deleted.push_back(o);
  }
  if (!deleted.empty() && !options->dry_run) Wrote();
  return KubeJson(200, ListOf(*t.resource, deleted));
}

}  // namespace sesame::controller::api
