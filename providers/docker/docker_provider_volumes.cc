// The docker provider's persistence volumes: one named volume per sandbox
// (VolumeName: namespace, volume name and uid), labelled like its
// containers, kept across recreations of the container, removed by Purge
// (deletionPolicy Delete, orphans).

#include "providers/docker/docker_provider_impl.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

constexpr char kVolumeIdPrefix[] = "volume/";
constexpr char kVolumeLabel[] = "dev.sesame.volume";

}  // namespace

std::string VolumeId(const std::string& volume) { return kVolumeIdPrefix + volume; }

bool IsVolumeId(const std::string& id) { return id.starts_with(kVolumeIdPrefix); }

Status DockerProvider::EnsureVolume(const SandboxRequest& request) {
  std::string volume = VolumeName(request);
  if (volume.empty()) return Status::Ok();
  // Creating an existing volume returns it unchanged, labels included.
  json labels = OwnerLabels(request, options_.owner);
  labels[kVolumeLabel] = request.spec.persistence.volume;
  HttpRequest create;
  create.method = "POST";
  create.path = "/volumes/create";
  create.body = json{{"Name", volume}, {"Labels", labels}}.dump();
  return CallJson(create, "creating volume " + volume).status();
}

Result<std::vector<Observed>> DockerProvider::OwnedVolumes() {
  HttpRequest list;
  list.path = "/volumes?filters=" + OwnedFilter("", options_.owner);
  Result<json> found = CallJson(list, "listing volumes");
  if (!found.ok()) return found.status();
  std::vector<Observed> out;
  const json volumes = found->value("Volumes", json::array());
  for (const json& v : volumes.is_array() ? volumes : json::array()) {
    json labels = v.value("Labels", json::object());
    if (!labels.is_object()) continue;
    Observed o;
    o.id = VolumeId(v.value("Name", ""));
    o.uid = labels.value(kUidLabel, "");
    o.key = {labels.value(kKindLabel, "Sandbox"), labels.value(kNamespaceLabel, ""),
             labels.value(kNameLabel, "")};
    o.message = "the persistence volume of a sandbox without a container";
    if (!o.uid.empty()) out.push_back(std::move(o));
  }
  return out;
}

Status DockerProvider::Purge(const Observed& current) {
  if (current.uid.empty()) return Status::Ok();
  HttpRequest list;
  list.path = "/volumes?filters=" + OwnedFilter(current.uid, options_.owner);
  Result<json> found = CallJson(list, "listing the sandbox's volumes");
  if (!found.ok()) return found.status();
  const json volumes = found->value("Volumes", json::array());
  for (const json& v : volumes.is_array() ? volumes : json::array()) {
    std::string name = v.value("Name", "");
    Status removed = CallOk("DELETE", "/volumes/" + UrlEncode(name), "removing volume " + name);
    if (removed.code() == Code::kTerminal) {  // 409: a container still uses it
      return UnavailableError(removed.message());
    }
    if (!removed.ok() && removed.code() != Code::kNotFound) return removed;
  }
  return Status::Ok();
}

}  // namespace sesame::providers::docker
