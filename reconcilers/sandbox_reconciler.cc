#include "reconcilers/sandbox_reconciler.h"

#include <algorithm>
#include <filesystem>

#include "reconcilers/admin_settings_store.h"
#include "reconcilers/object_event.h"
#include "reconcilers/plan.h"
#include "reconcilers/pool_claims.h"
#include "reconcilers/status.h"
#include "specs/codec.h"
#include "specs/pool.h"

namespace sesame::reconcilers {

struct SandboxReconciler::Context {
  specs::Object object;
  specs::Sandbox sandbox;
  providers::Provider* provider = nullptr;
  std::optional<providers::Observed> observed;
  Action action;
  Status result;
  bool object_gone = false;  // the finalizer was dropped and the row removed
  std::string replaced_id;   // a restart's provider id before, when it changed
};

SandboxReconciler::SandboxReconciler(store::Store& store, const providers::Registry& registry,
                                     const Clock& clock, ReconcilerOptions options)
    : store_(store),
      registry_(registry),
      clock_(clock),
      options_(std::move(options)),
      workspaces_(options_.home) {
  if (!options_.host_env) {
    options_.host_env = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
  }
}

ReconcileOutcome SandboxReconciler::Reconcile(const specs::ObjectKey& key) {
  auto object = store_.Get(key);
  if (!object.ok()) {
    if (object.status().code() == Code::kNotFound) {
      workspaces_.Forget(key.ToString());
      decoded_.With([&](auto& decoded) { decoded.Erase(key.ToString()); });
      return {};
    }
    return {object.status(), std::nullopt};
  }
  return ReconcileObject(*object);
}

int64_t SandboxReconciler::TemplateVersion(const specs::Object& object, const std::string& template_ref) {
  if (template_ref.empty()) return 0;
  auto tmpl = store_.Get({specs::kKindSandboxTemplate, object.metadata.namespace_, template_ref});
  return tmpl.ok() ? tmpl->metadata.resource_version : 0;
}

Result<std::shared_ptr<const SandboxReconciler::Decoded>> SandboxReconciler::Decode(
    const specs::Object& object) {
  std::string key = specs::KeyOf(object).ToString();
  std::shared_ptr<const Decoded> hit = decoded_.With([&](auto& decoded) {
    auto* found = decoded.Find(key);
    return found ? *found : nullptr;
  });
  // Every write bumps the object's version; only the template can have
  // changed underneath.
  if (hit && hit->object_version == object.metadata.resource_version &&
      hit->sandbox.metadata.uid == object.metadata.uid &&
      TemplateVersion(object, hit->sandbox.spec.template_ref) +
              PoolVersion(store_, object, hit->sandbox.spec.pool_ref) ==
          hit->template_version) {
    return hit;
  }
  auto fresh = DecodeOwnSpec(object);
  if (!fresh.ok()) return fresh.status();
  if (*fresh == nullptr) {
    auto sandbox = ResolveSandbox(store_, object);
    if (!sandbox.ok()) return sandbox.status();
    *fresh = std::make_shared<const Decoded>(
        Decoded{object.metadata.resource_version,
                TemplateVersion(object, sandbox->spec.template_ref) +
                    PoolVersion(store_, object, sandbox->spec.pool_ref),
                *sandbox, WithWarmMarker(object, providers::FieldHashes(sandbox->spec))});
  }
  workspaces_.Record((*fresh)->sandbox);
  decoded_.With([&](auto& decoded) { decoded.Put(key, *fresh); });
  return *fresh;
}

Result<std::shared_ptr<const SandboxReconciler::Decoded>> SandboxReconciler::DecodeOwnSpec(
    const specs::Object& object) {
  // A spec that names neither is the effective one as it stands (the text
  // test only saves decoding; the decoded spec decides).
  if (object.spec.find("\"templateRef\"") != std::string::npos ||
      object.spec.find("\"poolRef\"") != std::string::npos) {
    return std::shared_ptr<const Decoded>();
  }
  std::shared_ptr<const DecodedSpec> spec = decoded_specs_.With([&](auto& specs) {
    auto* found = specs.Find(object.spec);
    return found ? *found : nullptr;
  });
  if (spec == nullptr) {
    auto decoded = specs::DecodeSandboxSpec(object.spec);
    if (!decoded.ok()) return decoded.status();
    if (!decoded->template_ref.empty() || !decoded->pool_ref.empty()) return std::shared_ptr<const Decoded>();
    FieldHashSet hashes = providers::FieldHashes(*decoded);
    spec = std::make_shared<const DecodedSpec>(DecodedSpec{std::move(*decoded), std::move(hashes)});
    decoded_specs_.With([&](auto& specs) { specs.Put(object.spec, spec); });
  }
  auto status = specs::DecodeSandboxStatus(object.status);
  if (!status.ok()) return status.status();
  std::optional<std::string> warm;
  if (auto pool = object.metadata.labels.find(specs::kPoolLabel); pool != object.metadata.labels.end()) {
    warm = pool->second;
  }
  return std::make_shared<const Decoded>(Decoded{object.metadata.resource_version, 0,
                                                 specs::Sandbox{object.metadata, spec->spec, std::move(*status)},
                                                 spec->hashes.WithWarm(std::move(warm))});
}

namespace {

// The provider's name: the effective spec's, or for an object whose
// template is gone, the one recorded when the resource was made.
std::string ProviderName(const specs::Sandbox& sandbox) {
  return sandbox.status.provider_ref ? sandbox.status.provider_ref->provider : sandbox.spec.provider;
}

}  // namespace

Result<specs::Sandbox> ResolveSandbox(store::Store& store, const specs::Object& object) {
  // Spec and status are decoded once each: JSON decoding is most of what a
  // reconcile of an unchanged sandbox costs.
  auto own = specs::DecodeSandbox(object, nullptr);
  if (!own.ok()) return own.status();
  if (!own->spec.pool_ref.empty()) return ResolvePooledSandbox(store, object, std::move(*own));
  if (own->spec.template_ref.empty()) return own;
  auto tmpl = store.Get({specs::kKindSandboxTemplate, object.metadata.namespace_, own->spec.template_ref});
  if (tmpl.ok()) {
    // As DecodeSandbox(object, &*tmpl), keeping the status already decoded.
    auto merged = specs::DecodeSandboxSpec(specs::MergeSpecJson(tmpl->spec, object.spec));
    if (!merged.ok()) return merged.status();
    own->spec = std::move(merged).value();
    return own;
  }
  if (tmpl.status().code() != Code::kNotFound) return tmpl.status();
  if (object.metadata.deletion_timestamp) return own;
  return Status(Code::kTerminal, "template \"" + own->spec.template_ref + "\" not found in namespace " +
                                     object.metadata.namespace_)
      .WithReason("TemplateNotFound");
}


namespace {
// What an event says about a successful action: the plan's reason, and
// which resource it touched.
std::string EventMessage(const SandboxReconciler::Context& ctx);
}  // namespace

ReconcileOutcome SandboxReconciler::ReconcileObject(const specs::Object& object) {
  Context ctx;
  ctx.object = object;
  auto decoded = Decode(object);
  Result<specs::Sandbox> sandbox = decoded.ok() ? Result<specs::Sandbox>((*decoded)->sandbox)
                                                : Result<specs::Sandbox>(decoded.status());
  if (!sandbox.ok()) {
    // Keep the stored status, but say why nothing can happen.
    auto status = specs::DecodeSandboxStatus(object.status);
    ctx.sandbox.metadata = object.metadata;
    ctx.sandbox.status = status.ok() ? *status : specs::SandboxStatus{};
    ctx.action = {ActionType::kNothing, specs::Reason::kInvalidSpec, sandbox.status().message(),
                  std::nullopt, ""};
    ctx.result = sandbox.status();
    if (ctx.result.reason().empty()) ctx.result.WithReason(ctx.action.ReasonText());
    RecordEvent(object, true, ctx.action.ReasonText(), sandbox.status().message());
    if (Status w = WriteStatus(ctx); !w.ok()) return {w, std::nullopt};
    return {sandbox.status(), std::nullopt};
  }
  ctx.sandbox = std::move(sandbox).value();
  if (ctx.sandbox.status.observed_generation == 0) RecordClaimEvent(store_, object, ctx.sandbox.status, clock_.Now());
  ctx.provider = registry_.Find(ProviderName(ctx.sandbox));
  if (ctx.provider == nullptr) {
    ctx.result = Status(Code::kUnsupported, "provider \"" + ProviderName(ctx.sandbox) +
                                                "\" is not available in this controller");
    ctx.action = {ActionType::kCreate, specs::Reason::kProviderUnavailable, ctx.result.message(),
                  std::nullopt, ""};
    RecordEvent(object, true, ctx.action.ReasonText(), ctx.result.message());
    if (Status w = WriteStatus(ctx); !w.ok()) return {w, std::nullopt};
    return {ctx.result, std::nullopt};
  }
  auto observed = ctx.provider->Observe(object.metadata.uid);
  if (!observed.ok()) return ObserveFailed(ctx, observed.status());
  ctx.observed = *observed;

  providers::Capabilities caps = ctx.provider->capabilities();
  PlanInput input{&ctx.sandbox, ctx.observed ? &*ctx.observed : nullptr, &caps, (*decoded)->hashes,
                  clock_.Now()};
  ctx.action = Plan(input);
  ctx.result = Execute(ctx);
  if (ctx.action.type != ActionType::kNothing) {
    if (ctx.result.ok()) {
      RecordEvent(object, false, ctx.action.ReasonText(), EventMessage(ctx));
    } else {
      RecordEvent(object, true,
                  ctx.result.reason().empty() ? std::string(ToString(ctx.action.type)) + specs::ToString(specs::Reason::kFailed)
                                              : ctx.result.reason(),
                  ctx.result.message());
    }
  }
  if (ctx.object_gone) return {};
  RecordRuntimeEvent(object, ctx);
  if (Status w = WriteStatus(ctx); !w.ok()) return {w, std::nullopt};
  if (!ctx.result.ok()) return {ctx.result, std::nullopt};
  // After an action, look again soon: the next plan confirms it took.
  if (ctx.action.type != ActionType::kNothing) return {Status::Ok(), Millis(0)};
  return {Status::Ok(), ctx.action.requeue_after};
}

ReconcileOutcome SandboxReconciler::ObserveFailed(Context& ctx, const Status& error) {
  // Said on the object, not only in the controller's log: an engine that
  // went away shows on every sandbox it runs, and each retry counts on
  // the same (deduplicated) event.
  RecordEvent(ctx.object, true,
              error.reason().empty() ? specs::ToString(specs::Reason::kObserveFailed) : error.reason(),
              error.message());
  specs::SandboxStatus status = UnobservedStatus(ctx.sandbox, error, clock_.Now());
  // Retries with the status already written write nothing: a write would
  // requeue the key at once and defeat the backoff.
  if (status != ctx.sandbox.status) {
    if (Status w = StoreStatus(ctx, status); !w.ok()) return {w, std::nullopt};
  }
  return {error, std::nullopt};
}

void SandboxReconciler::RecordRuntimeEvent(const specs::Object& object, const Context& ctx) {
  if (!ctx.observed || !ctx.observed->runtime) return;
  const providers::RuntimeReport& r = *ctx.observed->runtime;
  const specs::Condition* before = ctx.sandbox.status.FindCondition(specs::ConditionType::kRuntimeReady);
  if (before && before->reason == r.reason && before->message == r.message) return;
  bool plain = r.reason == providers::kRuntimeReady || r.reason == providers::kRuntimeFailed;
  std::string reason = plain ? "Runtime" + r.reason : r.reason;
  RecordEvent(object, r.phase == providers::kRuntimeFailed, reason, r.message);
}

namespace {

std::string EventMessage(const SandboxReconciler::Context& ctx) {
  std::string what = ctx.provider->name() + " sandbox" +
                     (ctx.observed ? " " + ctx.observed->id : std::string());
  std::string done;
  switch (ctx.action.type) {
    case ActionType::kCreate: done = "created " + what; break;
    case ActionType::kRecreate: done = "recreated " + what; break;
    case ActionType::kUpdate: done = "updated " + what; break;
    case ActionType::kSuspend: done = "suspended " + what; break;
    case ActionType::kResume: done = "resumed " + what; break;
    case ActionType::kRestart:
      done = "restarted " + what + (ctx.replaced_id.empty() ? "" : " (was " + ctx.replaced_id + ")");
      break;
    case ActionType::kStartSession: done = "started the session in " + what; break;
    case ActionType::kDelete: done = "deleted the " + ctx.provider->name() + " sandbox"; break;
    default: break;
  }
  if (done.empty()) return ctx.action.message.empty() ? ToString(ctx.action.type) : ctx.action.message;
  return ctx.action.message.empty() ? done : done + ": " + ctx.action.message;
}

}  // namespace

Result<providers::SandboxRequest> SandboxReconciler::BuildRequest(const Context& ctx) const {
  const auto& s = ctx.sandbox;
  providers::SandboxRequest r;
  r.key = specs::KeyOf(ctx.object);
  r.uid = s.metadata.uid;
  r.generation = s.metadata.generation;
  r.spec = s.spec;
  r.field_hashes = WithWarmMarker(ctx.object, providers::FieldHashes(s.spec));
  r.workspace_dir = WorkspaceDir(options_.home, s);
  security::PolicyInput policy;
  policy.spec = &r.spec;
  policy.workspace = r.workspace_dir;
  policy.home = options_.host_env("HOME").value_or("/root");
  policy.sesame_home = options_.home;
  // Read at every create, so an admin change applies to new sandboxes at
  // once and to running ones when they restart.
  auto admin = LoadAdminSettings(store_, options_.admin);
  if (!admin.ok()) return admin.status();
  policy.admin = *admin;
  const providers::Capabilities caps = ctx.provider->capabilities();
  // Providers without OS-level security isolate by their own means (a
  // cloud VM) and report it their own way.
  if (caps.os_security) {
    auto others = workspaces_.Others(store_, r.key.ToString());
    if (!others.ok()) return others.status();
    policy.hidden = std::move(others).value();
    policy.hidden.insert(policy.hidden.end(), options_.private_paths.begin(), options_.private_paths.end());
    r.policy = security::ComputePolicy(policy);
  }
  if (s.spec.stdin_open && !caps.stdin) {
    return Status(Code::kUnsupported,
                  ctx.provider->name() + " sandboxes have no stdin: remove spec.stdin, or choose a "
                                         "provider that supports it (GET /v1/providers)")
        .WithReason("StdinUnsupported");
  }
  for (const auto& e : s.spec.env) {
    if (e.host_env) {
      auto value = options_.host_env(*e.host_env);
      if (!value) {
        return Status(Code::kTerminal, "env " + e.name + ": the controller's environment has no " +
                                           *e.host_env);
      }
      r.env.emplace_back(e.name, *value);
    } else {
      r.env.emplace_back(e.name, e.value.value_or(""));
    }
  }
  return r;
}

Status SandboxReconciler::Execute(Context& ctx) {
  providers::Provider& p = *ctx.provider;
  auto reobserve = [&]() -> Status {
    auto o = p.Observe(ctx.object.metadata.uid);
    if (!o.ok()) return o.status();
    ctx.observed = *o;
    return Status::Ok();
  };
  auto create = [&]() -> Status {
    auto request = BuildRequest(ctx);
    if (!request.ok()) return request.status();
    SESAME_RETURN_IF_ERROR(HideWorkspaceFromOthers(*request));
    auto created = p.Create(*request);
    if (!created.ok()) return created.status();
    ctx.observed = *created;
    return Status::Ok();
  };
  switch (ctx.action.type) {
    case ActionType::kNothing:
      return Status::Ok();
    case ActionType::kCreate:
      return create();
    case ActionType::kUpdate: {
      auto request = BuildRequest(ctx);
      if (!request.ok()) return request.status();
      SESAME_RETURN_IF_ERROR(p.Update(*ctx.observed, *request));
      return reobserve();
    }
    case ActionType::kRecreate:
      SESAME_RETURN_IF_ERROR(p.Delete(*ctx.observed));
      ctx.observed.reset();
      return create();
    case ActionType::kSuspend:
      SESAME_RETURN_IF_ERROR(p.Suspend(*ctx.observed));
      return reobserve();
    case ActionType::kResume:
      SESAME_RETURN_IF_ERROR(p.Resume(*ctx.observed));
      return reobserve();
    case ActionType::kStartSession: {
      auto request = BuildRequest(ctx);
      if (!request.ok()) return request.status();
      SESAME_RETURN_IF_ERROR(p.StartSession(*ctx.observed, *request));
      return reobserve();
    }
    case ActionType::kRestart: {
      auto request = BuildRequest(ctx);
      if (!request.ok()) return request.status();
      std::string before = ctx.observed->id;
      SESAME_RETURN_IF_ERROR(p.Restart(*ctx.observed, *request));
      ctx.sandbox.status.restarts++;
      // A requested restart is done once; one by restartPolicy also
      // satisfies a request made meanwhile.
      auto asked = ctx.sandbox.metadata.annotations.find(specs::kRestartedAtAnnotation);
      if (asked != ctx.sandbox.metadata.annotations.end()) ctx.sandbox.status.restarted_at = asked->second;
      SESAME_RETURN_IF_ERROR(reobserve());
      // A new pid, or a new container where the engine could not start the
      // old one again: the event names both.
      if (ctx.observed && !before.empty() && ctx.observed->id != before) ctx.replaced_id = before;
      return Status::Ok();
    }
    case ActionType::kDelete:
      SESAME_RETURN_IF_ERROR(p.Delete(*ctx.observed));
      SESAME_RETURN_IF_ERROR(p.Purge(*ctx.observed));
      ctx.observed.reset();
      [[fallthrough]];
    case ActionType::kFinalize: {
      specs::Object updated = ctx.object;
      std::erase(updated.metadata.finalizers, std::string(specs::kSandboxFinalizer));
      auto written = store_.Update(updated);
      if (!written.ok() && written.status().code() != Code::kNotFound) return written.status();
      ctx.object_gone = true;
      return Status::Ok();
    }
    case ActionType::kExpire: {
      ctx.sandbox.status = ComputeStatus({&ctx.sandbox, ctx.observed ? &*ctx.observed : nullptr,
                                          &ctx.action, Status::Ok(), "", clock_.Now()});
      SESAME_RETURN_IF_ERROR(WriteStatus(ctx));
      Status deleted = store_.Delete(specs::KeyOf(ctx.object));
      return deleted.code() == Code::kNotFound ? Status::Ok() : deleted;
    }
  }
  return Status::Ok();
}

Status SandboxReconciler::HideWorkspaceFromOthers(const providers::SandboxRequest& request) {
  // Default workspaces are under $SESAME_HOME, hidden from every sandbox.
  if (request.spec.workspace.path.empty() || security::PathWithin(request.workspace_dir, options_.home)) {
    return Status::Ok();
  }
  for (providers::Provider* p : registry_.All()) {
    if (p->capabilities().os_security) SESAME_RETURN_IF_ERROR(p->HideFromRunning(request.workspace_dir));
  }
  return Status::Ok();
}

Status SandboxReconciler::WriteStatus(Context& ctx) {
  specs::SandboxStatus status =
      ComputeStatus({&ctx.sandbox, ctx.observed ? &*ctx.observed : nullptr, &ctx.action,
                     ctx.result, "", clock_.Now()});
  if (ctx.action.type == ActionType::kExpire) status = ctx.sandbox.status;
  // With no action, ctx.sandbox.status is still the stored status as
  // decoded: an equal one need not be encoded to find that out (an idle
  // resync ends here for every sandbox).
  if (ctx.action.type == ActionType::kNothing && status == ctx.sandbox.status) return Status::Ok();
  return StoreStatus(ctx, status);
}

Status SandboxReconciler::StoreStatus(Context& ctx, const specs::SandboxStatus& status) {
  std::string encoded = specs::EncodeSandboxStatus(status);
  if (encoded == ctx.object.status) return Status::Ok();
  specs::Object updated = ctx.object;
  updated.status = encoded;
  auto written = store_.UpdateStatus(updated);
  if (!written.ok()) {
    // Someone wrote the object meanwhile: reconcile again with fresh state.
    if (written.status().code() == Code::kConflict) return UnavailableError(written.status().message());
    if (written.status().code() == Code::kNotFound) return Status::Ok();
    return written.status();
  }
  ctx.object = *written;
  return Status::Ok();
}

void SandboxReconciler::RecordEvent(const specs::Object& object, bool warning,
                                    const std::string& reason, const std::string& message) {
  RecordObjectEvent(store_, object, warning, reason, message, clock_.Now());
}

Result<int> SandboxReconciler::CollectViolations() {
  int count = 0;
  for (providers::Provider* p : registry_.All()) {
    auto records = p->DrainViolations();
    if (!records.ok()) return records.status();
    if (records->empty()) continue;
    std::vector<store::Violation> violations;
    for (auto& r : *records) {
      violations.push_back({0, r.key, r.uid, r.seq, r.time, r.kind, r.operation, r.target, r.rule});
    }
    SESAME_RETURN_IF_ERROR(store_.RecordViolations(violations));
    count += static_cast<int>(violations.size());
  }
  return count;
}

Result<SandboxReconciler::Orphans> SandboxReconciler::CollectOrphans(bool dry_run) {
  Orphans orphans;
  ClaimedUids claims(store_);
  for (providers::Provider* p : registry_.All()) {
    auto owned = p->ListOwned();
    if (!owned.ok()) {
      orphans.unlisted.push_back(p->name() + ": " + owned.status().message());
      continue;
    }
    for (const auto& o : *owned) {
      auto object = store_.Get(o.key);
      if (object.ok() && object->metadata.uid == o.uid) continue;
      if (!object.ok() && object.status().code() != Code::kNotFound) return object.status();
      // A claimed warm sandbox's resource still names the warm object.
      auto claimed = claims.OwnedByAnotherKey(o.uid);
      if (!claimed.ok()) return claimed.status();
      if (*claimed) continue;
      orphans.found.push_back(p->name() + " " + o.id + " (" + o.key.namespace_ + "/" + o.key.name + ")");
      if (dry_run) continue;
      SESAME_RETURN_IF_ERROR(p->Delete(o));
      SESAME_RETURN_IF_ERROR(p->Purge(o));
    }
  }
  return orphans;
}

}  // namespace sesame::reconcilers
