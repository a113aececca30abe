#include "specs/pool_columns.h"

#include "specs/pool.h"
#include "specs/quota_usage.h"

namespace sesame::specs {

namespace {

// The messages of the conditions that say something is not as wanted.
std::string ConditionMessage(const std::vector<Condition>& conditions) {
  std::string out;
  for (const auto& c : conditions) {
    if ((c.status != "True" || c.type != "Ready") && !c.message.empty()) {
      out += (out.empty() ? "" : "; ") + c.message;
    }
  }
  return out;
}

}  // namespace

const std::vector<Column>& PoolColumns() {
  static const std::vector<Column> columns = {
      {"Name", "string", "metadata.name", 0},
      {"Warm", "integer", "status.warm", 0},
      {"Claimed", "integer", "status.claimed", 0},
      {"Replicas", "integer", "spec.replicas", 0},
      {"Max", "string", "spec.maxReplicas", 0},
      {"Age", "date", "metadata.creationTimestamp", 0},
      {"Template", "string", "spec.templateRef", 1},
      {"Message", "string", "the conditions' messages", 1},
  };
  return columns;
}

std::vector<std::string> PoolCells(const Object& pool, const std::string& age) {
  auto spec = DecodePoolSpec(pool.spec);
  auto status = DecodePoolStatus(pool.status);
  SandboxPoolStatus s = status.ok() ? *status : SandboxPoolStatus{};
  std::string max = spec.ok() && spec->max_replicas ? std::to_string(*spec->max_replicas) : "<none>";
  std::string tmpl = spec.ok() && !spec->template_ref.empty() ? spec->template_ref : "<inline>";
  return {pool.metadata.name, std::to_string(s.warm), std::to_string(s.claimed),
          spec.ok() ? std::to_string(spec->replicas) : "?", max, age, tmpl, ConditionMessage(s.conditions)};
}

const std::vector<Column>& QuotaColumns() {
  static const std::vector<Column> columns = {
      {"Name", "string", "metadata.name", 0},
      {"Used/Hard", "string", "status.used against spec.hard", 0},
      {"Age", "date", "metadata.creationTimestamp", 0},
  };
  return columns;
}

std::vector<std::string> QuotaCells(const Object& quota, const std::string& age) {
  std::string used;
  for (const auto& [name, cell] : QuotaUsedHard(quota)) used += (used.empty() ? "" : ", ") + name + ": " + cell;
  return {quota.metadata.name, used.empty() ? "<none>" : used, age};
}

std::vector<std::pair<std::string, std::string>> QuotaUsedHard(const Object& quota) {
  auto hard = DecodeQuotaHard(quota.spec);
  auto status = DecodeQuotaStatus(quota.status);
  QuotaAmounts used = status.ok() ? status->used : QuotaAmounts{};
  std::vector<std::pair<std::string, std::string>> cells;
  if (!hard.ok()) return cells;
  auto count = [](const std::optional<int64_t>& v) { return std::to_string(v.value_or(0)); };
  if (hard->sandboxes) cells.push_back({"sandboxes", count(used.sandboxes) + "/" + count(hard->sandboxes)});
  for (const auto& [provider, limit] : hard->sandboxes_by_provider) {
    auto it = used.sandboxes_by_provider.find(provider);
    int64_t n = it == used.sandboxes_by_provider.end() ? 0 : it->second;
    cells.push_back({"sandboxes." + provider, std::to_string(n) + "/" + std::to_string(limit)});
  }
  auto quantity = [](const std::optional<Quantity>& q, bool binary) { return FormatQuantity(q ? q->milli : 0, binary); };
  if (hard->cpu) cells.push_back({"cpu", quantity(used.cpu, false) + "/" + hard->cpu->text});
  if (hard->memory) cells.push_back({"memory", quantity(used.memory, true) + "/" + hard->memory->text});
  if (hard->pids) cells.push_back({"pids", count(used.pids) + "/" + count(hard->pids)});
  return cells;
}

}  // namespace sesame::specs
