// The docker provider's warm pools (warm_session.h): a claim starts its
// session in the warm container it took, over one stdin-only attach.

#include "providers/docker/docker_provider_impl.h"
#include "providers/docker/hijacked_stream.h"
#include "providers/docker/warm_session.h"
#include "providers/warm.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

// A warm container still waiting for its session: made with StdinOnce
// (only warm containers are) and running.
bool WaitingForSession(const json& inspect) {
  return inspect["Config"].value("StdinOnce", false) && inspect["State"].value("Status", "") == "running";
}

}  // namespace

Status DockerProvider::StartSession(const Observed& current, const SandboxRequest& request) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  if (!WaitingForSession(*inspect)) return Remake(current, request);
  Result<std::string> version = client_.ApiVersion();
  if (!version.ok()) return version.status();
  Result<HijackedStream> stream = HijackedStream::Open(
      client_.socket_path(), "/v" + *version + "/containers/" + *id + "/attach?stream=1&stdin=1", "");
  if (!stream.ok()) return stream.status();
  // The engine passes the script on and, the input ended, closes the
  // container's stdin (StdinOnce): the waiting shell reads it to its end and
  // runs it. Nothing to wait for: the attach itself lasts as long as the
  // container.
  Status sent = stream->SendAndEndInput(SessionScript(request.spec.command, request.env));
  if (!sent.ok()) return Remake(current, request);
  // Recorded only once the session is sent: a controller killed before
  // this line still sees the warm marker and comes back here (a second
  // attach finds stdin closed: its script goes nowhere), never leaves a
  // claimed container waiting.
  ContainerRecord record = state_.Get(request.uid, *id).value_or(ContainerRecord{});
  record.container_id = *id;
  record.field_hashes = request.field_hashes;
  record.claimed_by = request.key;
  record.last_activity = options_.clock->Now();
  return state_.Put(request.uid, record);
}

Status DockerProvider::Remake(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(Delete(current));
  return Create(request).status();
}

void DockerProvider::SetChangeListener(ChangeListener listener) {
  if (!listener) {
    events_.SetListener(nullptr);
    return;
  }
  // A claimed warm container's labels name the warm object; the change is
  // the claiming object's.
  events_.SetListener([this, listener = std::move(listener)](const specs::ObjectKey& key, const std::string& uid) {
    std::optional<specs::ObjectKey> claimer = state_.ClaimedBy(uid);
    listener(claimer ? *claimer : key, uid);
  });
}

}  // namespace sesame::providers::docker
