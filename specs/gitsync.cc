#include "specs/gitsync.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

std::string StrOr(const json& j, const char* key, const std::string& fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool BoolOr(const json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

const Schema& GitSyncSpecSchema() {
  using namespace schema;  // NOLINT: the builders read as the table's vocabulary
  static const Schema spec = Obj({
      {"repo", Str(), "The Git repository: a URL git understands (https, ssh, file) or a local path.", true},
      {"branch", Str(), "The branch followed (default main)."},
      {"path", Str(), "The directory of manifests inside the repository, read recursively (default: its root)."},
      {"interval", Of(FieldType::kDuration),
       "How often the branch is fetched and the store compared with it (default 30s, at least 1s)."},
      {"prune", Of(FieldType::kBool),
       "Delete objects this sync applied that are no longer in the repository (default true)."},
      {"selfHeal", Of(FieldType::kBool),
       "Re-apply objects changed out of band within the interval (default true); false only reports them "
       "(phase OutOfSync)."},
  });
  return spec;
}

Result<GitSyncSpec> DecodeGitSyncSpec(std::string_view spec_json) {
  json j = json::parse(spec_json, nullptr, false);
  if (!j.is_object()) return InvalidError("spec: not an object");
  GitSyncSpec s;
  s.repo = StrOr(j, "repo", "");
  if (s.repo.empty() || s.repo[0] == '-') return InvalidError("spec.repo: a repository URL or path is required");
  s.branch = StrOr(j, "branch", s.branch);
  if (s.branch.empty() || s.branch[0] == '-' || s.branch.find("..") != std::string::npos) {
    return InvalidError("spec.branch: \"" + s.branch + "\" is not a branch name");
  }
  s.path = StrOr(j, "path", s.path);
  std::filesystem::path path(s.path);
  for (const auto& part : path) {
    if (path.is_absolute() || part == "..") {
      return InvalidError("spec.path: a directory inside the repository, without \"..\"");
    }
  }
  if (j.contains("interval")) {
    auto interval = ParseDuration(StrOr(j, "interval", ""));
    if (!interval.ok()) return InvalidError("spec.interval: " + interval.status().message());
    if (interval->value < std::chrono::seconds(1)) return InvalidError("spec.interval: at least 1s");
    s.interval = *interval;
  }
  s.prune = BoolOr(j, "prune", s.prune);
  s.self_heal = BoolOr(j, "selfHeal", s.self_heal);
  return s;
}

std::string EncodeGitSyncSpec(const GitSyncSpec& s) {
  json j = {{"repo", s.repo},         {"branch", s.branch}, {"path", s.path},
            {"interval", s.interval.text}, {"prune", s.prune}, {"selfHeal", s.self_heal}};
  return CompactJson(j);
}

Result<GitSyncStatus> DecodeGitSyncStatus(std::string_view status_json) {
  json j = json::parse(status_json, nullptr, false);
  if (!j.is_object()) return InvalidError("status: not an object");
  GitSyncStatus s;
  s.phase = StrOr(j, "phase", "");
  s.revision = StrOr(j, "revision", "");
  s.health = StrOr(j, "health", "");
  s.last_sync_time = ParseTime(StrOr(j, "lastSyncTime", ""));
  s.message = StrOr(j, "message", "");
  s.failed_revision = StrOr(j, "failedRevision", "");
  if (j.contains("failures") && j["failures"].is_number_integer()) s.failures = j["failures"].get<int>();
  if (j.contains("objects") && j["objects"].is_number_integer()) s.objects = j["objects"].get<int>();
  if (j.contains("observedGeneration") && j["observedGeneration"].is_number_integer()) {
    s.observed_generation = j["observedGeneration"].get<int64_t>();
  }
  if (j.contains("outOfSync") && j["outOfSync"].is_array()) {
    for (const json& o : j["outOfSync"]) {
      if (!o.is_object()) continue;
      OutOfSyncObject item{StrOr(o, "kind", ""), StrOr(o, "namespace", ""), StrOr(o, "name", ""),
                           StrOr(o, "reason", ""), {}};
      if (o.contains("fields") && o["fields"].is_array()) {
        for (const json& f : o["fields"]) {
          if (f.is_string()) item.fields.push_back(f.get<std::string>());
        }
      }
      s.out_of_sync.push_back(std::move(item));
    }
  }
  return s;
}

std::string EncodeGitSyncStatus(const GitSyncStatus& s) {
  json j = json::object();
  if (!s.phase.empty()) j["phase"] = s.phase;
  if (!s.revision.empty()) j["revision"] = s.revision;
  if (!s.health.empty()) j["health"] = s.health;
  if (s.last_sync_time) j["lastSyncTime"] = TimeText(*s.last_sync_time);
  if (!s.message.empty()) j["message"] = s.message;
  if (!s.failed_revision.empty()) j["failedRevision"] = s.failed_revision;
  j["failures"] = s.failures;
  j["objects"] = s.objects;
  j["observedGeneration"] = s.observed_generation;
  if (!s.out_of_sync.empty()) {
    json list = json::array();
    for (const auto& o : s.out_of_sync) {
      json item = {{"kind", o.kind}, {"namespace", o.namespace_}, {"name", o.name}, {"reason", o.reason}};
      if (!o.fields.empty()) item["fields"] = o.fields;
      list.push_back(std::move(item));
    }
    j["outOfSync"] = std::move(list);
  }
  return CompactJson(j);
}

std::vector<std::string> GitSyncCells(const Object& o, Time now) {
  json spec = ParseJsonOrEmpty(o.spec);
  auto decoded = DecodeGitSyncStatus(o.status);
  GitSyncStatus status = decoded.ok() ? *decoded : GitSyncStatus{};
  std::string source, path;
  if (o.kind == kKindGitSync) {
    source = StrOr(spec, "repo", "") + "@" + StrOr(spec, "branch", "main");
    path = StrOr(spec, "path", ".");
  } else {
    source = StrOr(spec, "path", "");
    path = BoolOr(spec, "recursive", false) ? "(recursive)" : ".";
  }
  std::string last = !status.last_sync_time
                         ? "<never>"
                         : HumanDuration(std::chrono::duration_cast<Millis>(now - *status.last_sync_time)) + " ago";
  // The first line of a message, and how many more there are.
  std::string message = status.message;
  if (size_t nl = message.find('\n'); nl != std::string::npos) {
    size_t more = std::count(message.begin(), message.end(), '\n');
    message = message.substr(0, nl) + " (+" + std::to_string(more) + " more)";
  }
  return {o.metadata.name,
          source,
          path,
          status.revision.empty() ? "<none>" : status.revision.substr(0, 12),
          status.phase.empty() ? "Unknown" : status.phase,
          status.health.empty() ? "Unknown" : status.health,
          last,
          message};
}

std::string DescribeOutOfSync(const std::vector<OutOfSyncObject>& objects) {
  std::string out;
  for (const auto& o : objects) {
    if (!out.empty()) out += "\n";
    out += ResourceName(o.kind) + "/" + o.namespace_ + "/" + o.name + ": " + o.reason;
    for (size_t i = 0; i < o.fields.size(); ++i) out += (i == 0 ? " " : ", ") + o.fields[i];
  }
  return out;
}

std::string GitSyncApplyset(const std::string& namespace_, const std::string& name) {
  return namespace_ == kDefaultNamespace ? name : namespace_ + "." + name;
}

}  // namespace sesame::specs
