#include "tests/testing/fake_provider.h"

#include <utility>

#include "common/mutex.h"

namespace sesame::testing {

using providers::Observed;
using providers::ResourceState;

FakeProvider::FakeProvider(std::string name, const Clock& clock)
    : name_(std::move(name)), clock_(clock) {
  caps_.stdin = true;
  caps_.file_ops = true;
}

void FakeProvider::set_capabilities(providers::Capabilities caps) {
  MutexLock lock(mutex_);
  caps_ = std::move(caps);
}

void FakeProvider::FailNext(const std::string& operation, Status error) {
  MutexLock lock(mutex_);
  if (error.ok()) {
    failures_.erase(operation);
  } else {
    failures_[operation] = std::move(error);
  }
}

void FakeProvider::set_preview_url(int port, std::string url) {
  MutexLock lock(mutex_);
  preview_urls_[port] = std::move(url);
}

void FakeProvider::Put(Observed resource) {
  MutexLock lock(mutex_);
  resources_[resource.uid] = std::move(resource);
}

void FakeProvider::Exit(const std::string& uid, int code) {
  MutexLock lock(mutex_);
  auto it = resources_.find(uid);
  if (it == resources_.end()) return;
  it->second.state = ResourceState::kExited;
  it->second.exit_code = code;
  it->second.finished_at = clock_.Now();
  it->second.message = "exited with code " + std::to_string(code);
}

void FakeProvider::Vanish(const std::string& uid) {
  MutexLock lock(mutex_);
  resources_.erase(uid);
}

void FakeProvider::Touch(const std::string& uid) {
  MutexLock lock(mutex_);
  auto it = resources_.find(uid);
  if (it != resources_.end()) it->second.last_activity = clock_.Now();
}

int FakeProvider::Calls(const std::string& operation) const {
  MutexLock lock(mutex_);
  auto it = calls_.find(operation);
  return it == calls_.end() ? 0 : it->second;
}

int FakeProvider::Observes(const std::string& uid) const {
  MutexLock lock(mutex_);
  auto it = observes_.find(uid);
  return it == observes_.end() ? 0 : it->second;
}

int FakeProvider::Actions() const {
  int n = 0;
  for (const char* op : {"Create", "Update", "Suspend", "Resume", "Restart", "Delete"}) n += Calls(op);
  return n;
}

std::optional<Observed> FakeProvider::Find(const std::string& uid) const {
  MutexLock lock(mutex_);
  auto it = resources_.find(uid);
  if (it == resources_.end()) return std::nullopt;
  return it->second;
}

std::optional<providers::SandboxRequest> FakeProvider::LastRequest(const std::string& uid) const {
  MutexLock lock(mutex_);
  auto it = requests_.find(uid);
  if (it == requests_.end()) return std::nullopt;
  return it->second;
}

size_t FakeProvider::size() const {
  MutexLock lock(mutex_);
  return resources_.size();
}

Status FakeProvider::Enter(const std::string& operation) {
  MutexLock lock(mutex_);
  ++calls_[operation];
  auto it = failures_.find(operation);
  return it == failures_.end() ? Status::Ok() : it->second;
}

providers::Capabilities FakeProvider::capabilities() const {
  MutexLock lock(mutex_);
  return caps_;
}

Result<Observed> FakeProvider::Create(const providers::SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(Enter("Create"));
  MutexLock lock(mutex_);
  requests_[request.uid] = request;
  auto it = resources_.find(request.uid);
  if (it != resources_.end()) return it->second;  // adopt
  Observed o;
  o.id = name_ + "-" + std::to_string(next_id_++);
  o.uid = request.uid;
  o.key = request.key;
  o.state = ResourceState::kRunning;
  o.started_at = clock_.Now();
  o.field_hashes = request.field_hashes;
  for (int port : request.spec.ports) {
    o.endpoints.push_back({port, "http://127.0.0.1:" + std::to_string(40000 + port)});
  }
  resources_[request.uid] = o;
  return o;
}

Result<std::optional<Observed>> FakeProvider::Observe(const std::string& uid) {
  SESAME_RETURN_IF_ERROR(Enter("Observe"));
  MutexLock lock(mutex_);
  ++observes_[uid];
  auto it = resources_.find(uid);
  if (it == resources_.end()) return std::optional<Observed>();
  return std::optional<Observed>(it->second);
}

Result<std::vector<Observed>> FakeProvider::ListOwned() {
  SESAME_RETURN_IF_ERROR(Enter("ListOwned"));
  MutexLock lock(mutex_);
  std::vector<Observed> out;
  for (const auto& [uid, o] : resources_) out.push_back(o);
  return out;
}

Status FakeProvider::Update(const Observed& current, const providers::SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(Enter("Update"));
  MutexLock lock(mutex_);
  auto it = resources_.find(current.uid);
  if (it == resources_.end()) return NotFoundError(current.id + " is gone");
  requests_[current.uid] = request;
  it->second.field_hashes = request.field_hashes;
  return Status::Ok();
}

Status FakeProvider::Suspend(const Observed& current) {
  SESAME_RETURN_IF_ERROR(Enter("Suspend"));
  MutexLock lock(mutex_);
  auto it = resources_.find(current.uid);
  if (it == resources_.end()) return NotFoundError(current.id + " is gone");
  it->second.state = ResourceState::kSuspended;
  return Status::Ok();
}

Status FakeProvider::Resume(const Observed& current) {
  SESAME_RETURN_IF_ERROR(Enter("Resume"));
  MutexLock lock(mutex_);
  auto it = resources_.find(current.uid);
  if (it == resources_.end()) return NotFoundError(current.id + " is gone");
  it->second.state = ResourceState::kRunning;
  it->second.last_activity = clock_.Now();
  return Status::Ok();
}

Status FakeProvider::Restart(const Observed& current, const providers::SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(Enter("Restart"));
  MutexLock lock(mutex_);
  auto it = resources_.find(current.uid);
  if (it == resources_.end()) return NotFoundError(current.id + " is gone");
  requests_[current.uid] = request;
  Observed& o = it->second;
  if (new_id_on_restart_) o.id = name_ + "-" + std::to_string(next_id_++);
  o.state = ResourceState::kRunning;
  o.exit_code.reset();
  o.finished_at.reset();
  o.started_at = clock_.Now();
  o.message.clear();
  return Status::Ok();
}

Status FakeProvider::Delete(const Observed& current) {
  SESAME_RETURN_IF_ERROR(Enter("Delete"));
  MutexLock lock(mutex_);
  resources_.erase(current.uid);
  return Status::Ok();
}

Result<int> FakeProvider::Exec(const Observed&, const providers::ExecRequest& request,
                               providers::Streams& streams) {
  SESAME_RETURN_IF_ERROR(Enter("Exec"));
  std::string chunk;
  while (streams.read_stdin && streams.read_stdin(chunk)) streams.on_stdout(chunk);
  if (streams.on_stderr && !request.command.empty()) streams.on_stderr("ran " + request.command[0] + "\n");
  return 7;
}

Status FakeProvider::Logs(const Observed&, const providers::LogOptions&, providers::Streams& streams) {
  SESAME_RETURN_IF_ERROR(Enter("Logs"));
  streams.on_stdout("line one\nline two\n");
  return Status::Ok();
}

Status FakeProvider::Attach(const Observed&, providers::Streams&) { return Enter("Attach"); }

Result<std::string> FakeProvider::ReadFile(const Observed&, const std::string& path) {
  SESAME_RETURN_IF_ERROR(Enter("ReadFile"));
  if (path.find("..") != std::string::npos) {
    return Status(Code::kPermissionDenied, path + " escapes the workspace");
  }
  MutexLock lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError(path + " not found");
  return it->second;
}

Status FakeProvider::WriteFile(const Observed&, const std::string& path, const std::string& content) {
  SESAME_RETURN_IF_ERROR(Enter("WriteFile"));
  if (path.find("..") != std::string::npos) {
    return Status(Code::kPermissionDenied, path + " escapes the workspace");
  }
  MutexLock lock(mutex_);
  files_[path] = content;
  return Status::Ok();
}

Result<std::string> FakeProvider::PreviewUrl(const Observed&, int port) {
  SESAME_RETURN_IF_ERROR(Enter("PreviewUrl"));
  MutexLock lock(mutex_);
  auto it = preview_urls_.find(port);
  if (it == preview_urls_.end()) return UnsupportedError("fake: no preview for port " + std::to_string(port));
  return it->second;
}

}  // namespace sesame::testing
