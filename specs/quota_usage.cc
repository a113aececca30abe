#include "specs/quota_usage.h"

#include "specs/codec.h"

namespace sesame::specs {

Result<std::string> EffectiveSpecJson(const Object& sandbox, const ObjectFinder& find) {
  std::string pool_ref = PoolRefOf(sandbox.spec);
  auto recorded = sandbox.metadata.annotations.find(kPoolTemplateAnnotation);
  if (!pool_ref.empty() && recorded != sandbox.metadata.annotations.end()) {
    return MergeSpecJson(recorded->second, sandbox.spec);
  }
  if (!pool_ref.empty()) {
    const Object* pool = find(kKindSandboxPool, pool_ref);
    if (pool == nullptr) {
      return Status(Code::kTerminal, "pool \"" + pool_ref + "\" not found in namespace " +
                                         sandbox.metadata.namespace_)
          .WithReason("PoolNotFound");
    }
    Result<SandboxPoolSpec> spec = DecodePoolSpec(pool->spec);
    if (!spec.ok()) return spec.status();
    const Object* tmpl = nullptr;
    if (!spec->template_ref.empty()) {
      tmpl = find(kKindSandboxTemplate, spec->template_ref);
      if (tmpl == nullptr) {
        return Status(Code::kTerminal, "template \"" + spec->template_ref + "\" of pool \"" + pool_ref +
                                           "\" not found in namespace " + sandbox.metadata.namespace_)
            .WithReason("TemplateNotFound");
      }
    }
    return MergeSpecJson(PoolTemplateJson(*spec, tmpl), sandbox.spec);
  }
  Result<SandboxSpec> own = DecodeSandboxSpec(sandbox.spec);
  if (!own.ok()) return own.status();
  if (own->template_ref.empty()) return sandbox.spec;
  const Object* tmpl = find(kKindSandboxTemplate, own->template_ref);
  if (tmpl == nullptr) {
    return Status(Code::kTerminal, "template \"" + own->template_ref + "\" not found in namespace " +
                                       sandbox.metadata.namespace_)
        .WithReason("TemplateNotFound");
  }
  return MergeSpecJson(tmpl->spec, sandbox.spec);
}

std::string FormatQuantity(int64_t milli, bool binary) {
  if (milli % 1000 != 0) return std::to_string(milli) + "m";
  int64_t v = milli / 1000;
  if (binary && v != 0) {
    static const char* const kSuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi"};
    const char* suffix = "";
    for (const char* s : kSuffixes) {
      if (v % 1024 != 0) break;
      v /= 1024;
      suffix = s;
    }
    return std::to_string(v) + suffix;
  }
  return std::to_string(v);
}

QuotaAmounts UsageOf(const std::vector<SandboxSpec>& specs) {
  QuotaAmounts used;
  int64_t cpu = 0, memory = 0, pids = 0;
  for (const SandboxSpec& s : specs) {
    ++used.sandboxes_by_provider[s.provider];
    if (s.resources.cpu) cpu += s.resources.cpu->milli;
    if (s.resources.memory) memory += s.resources.memory->milli;
    if (s.resources.pids) pids += *s.resources.pids;
  }
  used.sandboxes = static_cast<int64_t>(specs.size());
  used.cpu = Quantity{FormatQuantity(cpu, false), cpu};
  used.memory = Quantity{FormatQuantity(memory, true), memory};
  used.pids = pids;
  return used;
}

QuotaAmounts UsageOfObjects(const std::vector<Object>& sandboxes, const ObjectFinder& find) {
  std::vector<SandboxSpec> specs;
  specs.reserve(sandboxes.size());
  for (const Object& o : sandboxes) {
    Result<std::string> effective = EffectiveSpecJson(o, find);
    Result<SandboxSpec> spec = DecodeSandboxSpec(effective.ok() ? *effective : o.spec);
    specs.push_back(spec.ok() ? std::move(*spec) : SandboxSpec{});
  }
  return UsageOf(specs);
}

namespace {

void Check(const std::string& name, int64_t hard, int64_t before, int64_t after,
           const std::function<std::string(int64_t)>& show, std::vector<std::string>& out) {
  if (after > hard && after > before) {
    out.push_back(name + ": " + show(after) + " > " + show(hard) + " (now " + show(before) + ")");
  }
}

}  // namespace

std::vector<std::string> ExceededAmounts(const QuotaAmounts& hard, const QuotaAmounts& before,
                                         const QuotaAmounts& after) {
  std::vector<std::string> out;
  auto count = [](int64_t v) { return std::to_string(v); };
  if (hard.sandboxes) {
    Check("sandboxes", *hard.sandboxes, before.sandboxes.value_or(0), after.sandboxes.value_or(0),
          count, out);
  }
  for (const auto& entry : hard.sandboxes_by_provider) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const std::string& provider = entry.first;
    const int64_t limit = entry.second;
    auto of = [&provider](const QuotaAmounts& a) {
      auto it = a.sandboxes_by_provider.find(provider);
      return it == a.sandboxes_by_provider.end() ? int64_t{0} : it->second;
    };
    Check("sandboxes." + provider, limit, of(before), of(after), count, out);
  }
  auto milli = [](const std::optional<Quantity>& q) { return q ? q->milli : int64_t{0}; };
  if (hard.cpu) {
    Check("cpu", hard.cpu->milli, milli(before.cpu), milli(after.cpu),
          [](int64_t v) { return FormatQuantity(v, false); }, out);
  }
  if (hard.memory) {
    Check("memory", hard.memory->milli, milli(before.memory), milli(after.memory),
          [](int64_t v) { return FormatQuantity(v, true); }, out);
  }
  if (hard.pids) Check("pids", *hard.pids, before.pids.value_or(0), after.pids.value_or(0), count, out);
  return out;
}

}  // namespace sesame::specs
