#include "controller/api/kube_resources.h"

#include "specs/gitsync.h"
#include "specs/object.h"
#include "specs/pool.h"
#include "specs/pool_schema.h"

namespace sesame::controller::api {

const std::vector<KubeResource>& KubeResources() {
  static const std::vector<KubeResource> resources = {
      {specs::kKindSandbox, "sandboxes", "sandbox", {"sb"}, {"all", "sesame"},
       "Sandbox is an isolated environment where one AI-agent session runs, on a provider "
       "(filesystem, docker, e2b, daytona, vercel); the controller creates, restarts, suspends, "
       "expires and deletes it to match its spec.",
       &specs::SpecSchema(false), true},
      {specs::kKindSandboxTemplate, "sandboxtemplates", "sandboxtemplate", {"sbt"}, {"sesame"},
       "SandboxTemplate holds spec fields that Sandboxes naming it in spec.templateRef share; "
       "a sandbox's own fields win.",
       &specs::SpecSchema(true), false},
      {specs::kKindGitSync, "gitsyncs", "gitsync", {}, {"sesame"},
       "GitSync keeps a Git branch's manifests applied: fetched every interval, compared with the "
       "store on every change, drift reported as OutOfSync and, with selfHeal, re-applied.",
       &specs::GitSyncSpecSchema(), true},
      {specs::kKindSandboxPool, "sandboxpools", "sandboxpool", {"pool", "pools"}, {"sesame"},
       "SandboxPool keeps spec.replicas sandboxes of its template warm (runtimes installed, the "
       "session not yet started); a Sandbox naming it in spec.poolRef claims one in the creating "
       "write. spec.maxReplicas caps warm plus claimed.",
       specs::PoolKindSpecSchema(specs::kKindSandboxPool), true},
      {specs::kKindSandboxQuota, "sandboxquotas", "sandboxquota", {"quota", "quotas"}, {"sesame"},
       "SandboxQuota caps the sandboxes of its namespace (warm ones included): how many, per "
       "provider, and their total cpu, memory and pids. A write that would exceed it is refused.",
       specs::PoolKindSpecSchema(specs::kKindSandboxQuota), true},
  };
  return resources;
}

const KubeResource* FindKubeResource(const std::string& plural) {
  for (const auto& r : KubeResources()) {
    if (r.plural == plural) return &r;
  }
  return nullptr;
}

const KubeResource* FindKubeResourceByKind(const std::string& kind) {
  for (const auto& r : KubeResources()) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

}  // namespace sesame::controller::api
