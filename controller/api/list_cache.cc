#include "controller/api/list_cache.h"

#include "specs/object_json_text.h"

namespace sesame::controller::api {
namespace {

// Distinct filters kept; beyond it the cache starts over (a client
// cycling through selectors must not grow it without bound).
constexpr size_t kMaxEntries = 32;

std::string FilterKey(const store::ListOptions& o, const ListCache::Projection* projection) {
  return o.kind + '\0' + o.namespace_ + '\0' + o.name + '\0' + o.selector.ToString() + '\0' +
         (projection ? projection->name : "");
}

// The list's text, and in `*rv` the version it is at.
Result<std::string> BuildAt(store::Store& store, const store::ListOptions& options, size_t size_hint,
                            const ListCache::Projection* projection, int64_t* at) {
  std::string body = specs::ListJsonHead();
  body.reserve(size_hint);
  bool first = true;
  auto rv = store.ListJson(options, [&](std::string_view item) {
    if (!first) body.push_back(',');
    first = false;
    if (projection) {
      projection->append(item, body);
    } else {
      body.append(item);
    }
  });
  if (!rv.ok()) return rv.status();
  body += specs::ListJsonTail(options.kind, *rv);
  body.push_back('\n');
  *at = *rv;
  return body;
}

}  // namespace

Result<std::string> ListCache::Build(store::Store& store, const store::ListOptions& options,
                                     size_t size_hint, const Projection* projection) {
  int64_t rv = 0;
  return BuildAt(store, options, size_hint, projection, &rv);
}

Result<std::shared_ptr<const std::string>> ListCache::Get(store::Store& store, const store::ListOptions& options,
                                                          const Projection* projection) {
  std::string key = FilterKey(options, projection);
  auto cached = [&](int64_t now) -> std::shared_ptr<const std::string> {
    MutexLock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.resource_version != now) return nullptr;
    it->second.used = std::chrono::steady_clock::now();
    return it->second.body;
  };
  // Nothing written since the cached list's snapshot: it is still exact.
  auto now = store.CurrentResourceVersion();
  if (!now.ok()) return now.status();
  if (auto hit = cached(*now)) return hit;
  MutexLock build(build_mutex_);
  if (auto hit = cached(*now)) return hit;  // built while this request waited
  size_t hint = 0;
  {
    MutexLock lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) hint = it->second.body->size();
  }
  int64_t rv = 0;
  auto body = BuildAt(store, options, hint + hint / 8, projection, &rv);
  if (!body.ok()) return body.status();
  auto shared = std::make_shared<const std::string>(std::move(body).value());
  MutexLock lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = {rv, shared, std::chrono::steady_clock::now()};
  if (!dropper_.joinable()) dropper_ = std::thread([this] { DropIdle(); });
  return shared;
}

ListCache::~ListCache() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (dropper_.joinable()) dropper_.join();
}

void ListCache::DropIdle() {
  MutexLock lock(mutex_);
  while (!lock.WaitFor(stop_, kIdle, [this] {
    mutex_.AssertHeld();  // WaitFor calls this with the lock held
    return stopping_;
  })) {
    auto idle_since = std::chrono::steady_clock::now() - kIdle;
    std::erase_if(entries_, [&](const auto& entry) { return entry.second.used < idle_since; });
  }
}

}  // namespace sesame::controller::api
