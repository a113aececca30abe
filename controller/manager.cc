#include "controller/manager.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "controller/memory_metrics.h"
#include "controller/pool_metrics.h"
#include "specs/codec.h"

namespace sesame::controller {

namespace {
constexpr char kLeaseName[] = "controller";
// Reconciles after which an idle queue gives memory back.
constexpr uint64_t kReleaseAfter = 256;

std::string DefaultHolder() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}
}  // namespace

Manager::Manager(store::Store& store, reconcilers::SandboxReconciler& reconciler,
                 ManagerOptions options)
    : store_(store),
      reconciler_(reconciler),
      pools_(store, Clock::Real()),
      options_(std::move(options)),
      reconciles_(metrics_.AddCounter("sesame_reconciles_total",
                                      "Reconciles by result (success, requeue_after, error, terminal).",
                                      {"result"})),
      reconcile_seconds_(metrics_.AddHistogram("sesame_reconcile_duration_seconds",
                                               "How long one reconcile took.", {},
                                               Histogram::LatencyBuckets())) {
  if (options_.lease_holder.empty()) options_.lease_holder = DefaultHolder();
  RegisterPoolMetrics(metrics_, pools_);
  RegisterMemoryMetrics(metrics_);
  metrics_.AddGauge("sesame_workqueue_depth", "Keys waiting in the work queue.", {}, [this] {
    MutexLock lock(mutex_);
    double depth = queue_ ? static_cast<double>(queue_->Len()) : 0;
    return std::vector<std::pair<LabelValues, double>>{{{}, depth}};
  });
}

Manager::~Manager() {
  Stop();
  for (providers::Provider* p : reconciler_.registry().All()) p->SetChangeListener(nullptr);
}

void Manager::OnProviderChange(const specs::ObjectKey& key) {
  if (!leader_ || key.name.empty()) return;
  MutexLock lock(mutex_);
  if (queue_) queue_->Add(KeyString(key));
}

std::string Manager::KeyString(const specs::ObjectKey& key) { return key.ToString(); }

std::optional<specs::ObjectKey> Manager::ParseKeyString(const std::string& text) {
  size_t a = text.find('/');
  size_t b = a == std::string::npos ? a : text.find('/', a + 1);
  if (b == std::string::npos) return std::nullopt;
  return specs::ObjectKey{text.substr(0, a), text.substr(a + 1, b - a - 1), text.substr(b + 1)};
}

void Manager::Stop() {
  stopping_ = true;
  {
    MutexLock lock(mutex_);
    if (queue_) queue_->ShutDown();
  }
  store_.WakeWaiters();
}

WorkQueue& Manager::queue() {
  MutexLock lock(mutex_);
  return *queue_;
}

void Manager::Notify() { store_.WakeWaiters(); }

void Manager::Log(const std::string& line) {
  if (options_.log) options_.log(line);
}

bool Manager::WaitForLease() {
  bool said = false;
  uint64_t seq = store_.ChangeSequence();
  while (!stopping_) {
    auto got = store_.TryAcquireLease(kLeaseName, options_.lease_holder, options_.lease_duration);
    if (got.ok() && *got) return true;
    if (!said) {
      Log("standby: another controller holds the lease on this database; waiting to take over");
      said = true;
    }
    // The leader's ReleaseLease wakes this at once; an expiry needs the timeout.
    seq = store_.WaitForChange(seq, options_.lease_duration / 5);
  }
  return false;
}

Status Manager::Run() {
  // Drift at once: providers that watch their resources name the objects
  // whose resources changed out of band.
  for (providers::Provider* p : reconciler_.registry().All()) {
    p->SetChangeListener(
        [this](const specs::ObjectKey& key, const std::string&) { OnProviderChange(key); });
  }
  while (WaitForLease()) {
    {
      MutexLock lock(mutex_);
      queue_ = std::make_unique<WorkQueue>();
      if (stopping_) break;
    }
    leader_ = true;
    Log("leader: reconciling with " + std::to_string(options_.workers) + " workers");
    Lead();
    leader_ = false;
  }
  (void)store_.ReleaseLease(kLeaseName, options_.lease_holder);
  return Status::Ok();
}

namespace {

uint64_t MetaFingerprint(const specs::Object& o) {
  const auto& m = o.metadata;
  std::string text = m.uid + '\0' + std::to_string(m.generation) + '\0' +
                     (m.deletion_timestamp ? "d" : "") + '\0';
  for (const auto* map : {&m.labels, &m.annotations}) {
    for (const auto& [k, v] : *map) text += k + '=' + v + '\0';
    text += '\0';
  }
  for (const auto& f : m.finalizers) text += f + '\0';
  return std::hash<std::string>{}(text);
}

}  // namespace

bool Manager::NeedsReconcile(const store::WatchEvent& change) {
  std::string key = KeyString(specs::KeyOf(change.object));
  if (change.type == store::WatchType::kDeleted) {
    seen_meta_.erase(key);
    return true;
  }
  uint64_t fingerprint = MetaFingerprint(change.object);
  auto [it, added] = seen_meta_.try_emplace(std::move(key), fingerprint);
  if (added || it->second != fingerprint) {
    it->second = fingerprint;
    return true;
  }
  // Only the status changed: a reconcile wrote it, and that reconcile
  // already asked for whatever it needs next (a requeue, a deadline).
  return false;
}

void Manager::EnqueueAll() {
  auto list = store_.List({specs::kKindSandbox, "", {}});
  if (!list.ok()) return;
  for (const auto& o : *list) {
    std::string key = KeyString(specs::KeyOf(o));
    seen_meta_[key] = MetaFingerprint(o);
    queue().Add(key);
  }
  for (const std::string& kind : reconcilers::PoolReconciler::Kinds()) {
    auto more = store_.List({kind, "", {}});
    if (!more.ok()) continue;
    for (const auto& o : *more) {
      std::string key = KeyString(specs::KeyOf(o));
      seen_meta_[key] = MetaFingerprint(o);
      queue().Add(key);
    }
  }
}

void Manager::EnqueueChanges(int64_t& seen_version) {
  while (true) {
    auto changes = store_.ChangesSince(seen_version, 1000);
    if (!changes.ok()) {
      // The log no longer reaches back that far: look at everything.
      if (auto rv = store_.CurrentResourceVersion(); rv.ok()) seen_version = *rv;
      EnqueueAll();
      return;
    }
    std::set<std::string> template_namespaces;
    // The changed objects first: a worker starts on a new sandbox (a claim,
    // say) while the keys they concern are still being looked up.
    for (const auto& c : *changes) {
      seen_version = c.resource_version;
      if (c.object.kind == specs::kKindSandbox || pools_.Handles(c.object.kind)) {
        if (NeedsReconcile(c)) queue().Add(KeyString(specs::KeyOf(c.object)));
      } else if (c.object.kind == specs::kKindSandboxTemplate) {
        template_namespaces.insert(c.object.metadata.namespace_);
      }
    }
    // A sandbox's status too: a warm one that became Ready fills its pool.
    for (const auto& c : *changes) {
      for (const auto& related : pools_.Related(c.object)) queue().Add(KeyString(related));
    }
    // A template change reaches the sandboxes made from it.
    for (const auto& ns : template_namespaces) {
      auto list = store_.List({specs::kKindSandbox, ns, {}});
      if (!list.ok()) continue;
      for (const auto& o : *list) queue().Add(KeyString(specs::KeyOf(o)));
    }
    if (changes->size() < 1000) return;
  }
}

void Manager::Resync() {
  EnqueueAll();
  auto orphans = reconciler_.CollectOrphans(false);
  if (orphans.ok()) {
    for (const auto& line : orphans->found) Log("deleted orphan " + line);
    for (const auto& line : orphans->unlisted) Log("orphans not collected from " + line);
  } else {
    Log("orphan collection failed: " + orphans.status().message());
  }
}

ReconcileResult Manager::ReconcileKey(const std::string& key) {
  auto started = std::chrono::steady_clock::now();
  auto parsed = ParseKeyString(key);
  if (!parsed) return ReconcileResult::Terminal("malformed key " + key);
  auto outcome = pools_.Handles(parsed->kind) ? pools_.Reconcile(*parsed) : reconciler_.Reconcile(*parsed);
  reconcile_seconds_.Observe({}, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (outcome.status.ok()) {
    return outcome.requeue_after ? ReconcileResult::RequeueAfter(*outcome.requeue_after)
                                 : ReconcileResult::Done();
  }
  Code code = outcome.status.code();
  if (code == Code::kTerminal || code == Code::kInvalid || code == Code::kUnsupported) {
    return ReconcileResult::Terminal(outcome.status.message());
  }
  std::optional<Millis> hint;
  if (auto ms = outcome.status.retry_after_ms()) hint = Millis(*ms);
  return ReconcileResult::Retry(outcome.status.message(), hint);
}

void Manager::Observe(const std::string& key, const ReconcileResult& result) {
  const char* label = result.outcome == ReconcileResult::kRetry      ? "error"
                      : result.outcome == ReconcileResult::kTerminal ? "terminal"
                      : result.requeue_after                         ? "requeue_after"
                                                                     : "success";
  reconciles_.Add({label});
  reconciled_since_release_.fetch_add(1, std::memory_order_relaxed);
  std::string message = result.error.empty() ? "" : "reconcile " + key + " failed (" + label + "): " + result.error;
  bool repeated = false;
  {
    MutexLock lock(errors_mutex_);
    auto it = last_errors_.find(key);
    repeated = !message.empty() && it != last_errors_.end() && it->second == message;
    if (message.empty()) {
      if (it != last_errors_.end()) last_errors_.erase(it);
    } else {
      last_errors_[key] = message;
    }
  }
  if (!message.empty() && !repeated && options_.log_warning) {
    options_.log_warning(message);
  } else if (options_.log_debug) {
    options_.log_debug(repeated ? message + " (again)" : "reconciled " + key + ": " + label);
  }
}

void Manager::Lead() {
  WorkQueue& queue = this->queue();
  WorkerPool pool(
      queue, [this](const std::string& key) { return ReconcileKey(key); },
      [this](const std::string& key, const ReconcileResult& result) { Observe(key, result); });
  // The change sequence first: a write landing after it (even before the
  // resync below lists the objects) changes it, so the loop sees it.
  uint64_t seq = store_.ChangeSequence();
  int64_t seen_version = store_.CurrentResourceVersion().ok() ? *store_.CurrentResourceVersion() : 0;
  pool.Start(options_.workers);
  Resync();
  auto steady = std::chrono::steady_clock::now;
  auto next_resync = steady() + options_.resync_period;
  auto next_renew = steady() + options_.lease_duration / 3;
  auto next_violations = steady();
  auto last_renewed = steady();
  bool changed = true;  // writes between the version read above and now
  while (!stopping_) {
    if (changed) EnqueueChanges(seen_version);
    if (steady() >= next_renew) {
      auto renewed = store_.TryAcquireLease(kLeaseName, options_.lease_holder, options_.lease_duration);
      if (renewed.ok() && *renewed) {
        last_renewed = steady();
      } else if (steady() - last_renewed > options_.lease_duration * 2 / 3) {
        // Another controller may take over soon: stop acting before it does.
        Log("lost the lease; back to standby");
        break;
      }
      next_renew = steady() + options_.lease_duration / 3;
    }
    if (steady() >= next_violations) {
      // Violations stream live: picked up within a quarter second.
      auto collected = reconciler_.CollectViolations();
      if (!collected.ok()) Log("collecting violations failed: " + collected.status().message());
      next_violations = steady() + std::chrono::milliseconds(250);
    }
    if (steady() >= next_resync) {
      Resync();
      next_resync = steady() + options_.resync_period;
    }
    // Bulk work done (a large apply, a resync): SQLite's page cache and
    // the free pages of every thread's malloc arena go back to the system,
    // instead of staying resident for as long as the controller runs.
    if (queue.Len() == 0 && reconciled_since_release_.load(std::memory_order_relaxed) >= kReleaseAfter) {
      reconciled_since_release_.store(0, std::memory_order_relaxed);
      store_.ReleaseMemory();
      ::malloc_trim(0);
    }
    auto next = std::min({next_renew, next_violations, next_resync});
    auto wait = std::chrono::duration_cast<Millis>(next - steady()) + Millis(1);
    uint64_t now_seq = store_.WaitForChange(seq, std::max(wait, Millis(1)));
    changed = now_seq != seq;
    seq = now_seq;
  }
  queue.ShutDown();
  pool.Stop();
}

}  // namespace sesame::controller
