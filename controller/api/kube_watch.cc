// Watches in Kubernetes' event format: one {"type","object"} JSON object
// per line, ADDED/MODIFIED/DELETED, BOOKMARK when asked for, and an ERROR
// event with 410 Expired when the resourceVersion is older than the
// change log. With a Table Accept header each object is a one-row Table.
#include <algorithm>
#include <set>

#include "controller/api/kube_internal.h"
#include "specs/object_json.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

constexpr size_t kWatchPage = 1000;
constexpr Millis kClientCheck{1000};
// Bookmarks (or, without them, a blank line) this often on a quiet stream,
// so that a client that went away is noticed.
constexpr auto kIdle = std::chrono::seconds(10);
// Streams end after this at the latest; clients watch again from the last
// resourceVersion they saw.
constexpr auto kMaxWatch = std::chrono::minutes(30);

std::string EventLine(const char* type, const json& object) {
  return json{{"type", type}, {"object", object}}.dump() + "\n";
}

// The event that tells a client to list again: what the Kubernetes API
// sends for a version older than its history.
std::string ExpiredLine(int64_t version, int64_t now) {
  json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"}, {"code", 410}, {"reason", "Expired"},
                 {"message", "too old resource version: " + std::to_string(version) + " (" +
                                 std::to_string(now) + ")"}};
  return EventLine("ERROR", status);
}

}  // namespace

HttpResponse KubeApi::Watch(const HttpRequest& r, const Target& t) {
  auto filter = FilterOf(r);
  if (!filter.ok()) return KubeError(400, filter.status().message());
  auto version = r.QueryInteger("resourceVersion", 0, 0);
  if (!version.ok()) return KubeError(400, version.status().message());
  int64_t from = *version;
  auto timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxWatch);
  auto timeout_seconds = r.QueryInteger("timeoutSeconds", 0, 0);
  if (!timeout_seconds.ok()) return KubeError(400, timeout_seconds.status().message());
  if (*timeout_seconds > 0) {
    timeout = std::min(timeout, std::chrono::duration_cast<decltype(timeout)>(std::chrono::seconds(*timeout_seconds)));
  }
  bool bookmarks = QueryFlag(r, "allowWatchBookmarks");
  bool table = WantsTable(r);
  std::string include_object = r.Query("includeObject");
  const KubeResource& resource = *t.resource;
  std::string ns = t.ns;
  store::Store* store = store_;
  HttpResponse response;
  response.stream = [=, filter = std::move(*filter)](const ChunkWriter& write) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto templates = StoreTemplates(*store);
    auto object_json = [&](const specs::Object& o) {
      if (!table) return specs::ObjectToJsonValue(o);
      json one = TableOf(resource, {o}, include_object, templates);
      one["metadata"] = {{"resourceVersion", std::to_string(o.metadata.resource_version)}};
      return one;
    };
    auto matches = [&](const specs::Object& o) {
      return o.kind == resource.kind && (ns.empty() || o.metadata.namespace_ == ns) && filter.Matches(o, templates);
    };
    // Objects the client has seen as matching: one that stops matching is
    // DELETED for this watch, one that starts is ADDED. Watching from a
    // version, what matched then is unknown (the change log holds new
    // states only): an object's first change counts it as seen unless it
    // was created, so that a deletion is never missed (at worst one is sent
    // for an object the client did not have, which clients ignore).
    std::set<specs::ObjectKey> shown, settled;
    bool all_settled = from == 0;
    int64_t seen = from;
    auto now_rv = store->CurrentResourceVersion();
    if (!now_rv.ok()) return;
    if (from != 0) {
      if (!store->ChangesSince(from, 1).ok()) {
        write(ExpiredLine(from, *now_rv));
        return;
      }
    } else {
      // No version: every current object first, as ADDED.
      auto current = store->List({resource.kind, ns, filter.labels});
      if (!current.ok()) return;
      for (const auto& o : *current) {
        if (!matches(o)) continue;
        shown.insert(specs::KeyOf(o));
        if (!write(EventLine("ADDED", object_json(o)))) return;
      }
      seen = *now_rv;
    }
    auto last_write = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
      // Read before the changes: a write after this wakes the wait below.
      uint64_t signal = store->ChangeSequence();
      auto changes = store->ChangesSince(seen, kWatchPage);
      if (!changes.ok()) {
        auto rv = store->CurrentResourceVersion();
        write(ExpiredLine(seen, rv.ok() ? *rv : seen));
        return;
      }
      if (!changes->empty()) templates = StoreTemplates(*store);
      for (const auto& c : *changes) {
        seen = c.resource_version;
        specs::ObjectKey key = specs::KeyOf(c.object);
        bool was_shown = shown.count(key) > 0;
        if (!all_settled && settled.insert(key).second) was_shown = c.type != store::WatchType::kAdded;
        bool match = matches(c.object);
        const char* type = nullptr;
        if (c.type == store::WatchType::kDeleted) {
          if (was_shown || match) type = "DELETED";
          shown.erase(key);
        } else if (match) {
          type = was_shown && c.type == store::WatchType::kModified ? "MODIFIED" : "ADDED";
          shown.insert(key);
        } else if (was_shown) {
          type = "DELETED";
          shown.erase(key);
        }
        if (!type) continue;
        if (!write(EventLine(type, object_json(c.object)))) return;
        last_write = std::chrono::steady_clock::now();
      }
      if (changes->size() == kWatchPage) continue;
      if (std::chrono::steady_clock::now() - last_write > kIdle) {
        std::string beat = "\n";
        if (bookmarks) {
          beat = EventLine("BOOKMARK", {{"kind", resource.kind},
                                        {"apiVersion", kKubeGroupVersion},
                                        {"metadata", {{"resourceVersion", std::to_string(seen)}}}});
        }
        if (!write(beat)) return;
        last_write = std::chrono::steady_clock::now();
      } else if (!write("")) {
        return;
      }
      // Until the next write, or long enough to notice a client gone.
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      store->WaitForChange(signal, std::clamp(left, Millis(1), kClientCheck));
    }
  };
  return response;
}

}  // namespace sesame::controller::api
