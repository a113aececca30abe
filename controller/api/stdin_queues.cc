#include "controller/api/stdin_queues.h"

#include <chrono>

#include "controller/api/api_errors.h"
#include "controller/api/console_sessions.h"

namespace sesame::controller::api {
namespace {

// How often a stdin reader with nothing to send lets the provider check
// whether the client went away or the command ended.
constexpr auto kInputTick = std::chrono::milliseconds(200);

}  // namespace

StdinQueue::Pushed StdinQueue::Push(std::string data, bool end) {
  {
    MutexLock lock(mu_);
    if (closed_ || ended_) return Pushed::kClosed;
    if (pending_ + data.size() > kMaxPending) return Pushed::kFull;
    pending_ += data.size();
    if (!data.empty()) input_.push_back(std::move(data));
    ended_ = end;
  }
  wake_.notify_all();
  return Pushed::kAccepted;
}

bool StdinQueue::Read(std::string& chunk) {
  MutexLock lock(mu_);
  lock.WaitFor(wake_, kInputTick, [&] {
    mu_.AssertHeld();  // WaitFor calls this with the lock held
    return closed_ || ended_ || !input_.empty();
  });
  chunk.clear();
  if (closed_) return false;
  if (input_.empty()) return !ended_;  // nothing yet: an empty chunk
  chunk = std::move(input_.front());
  input_.pop_front();
  pending_ -= chunk.size();
  return true;
}

void StdinQueue::Close() {
  {
    MutexLock lock(mu_);
    closed_ = true;
  }
  wake_.notify_all();
}

StdinQueues::Registration::~Registration() {
  queue_->Close();
  MutexLock lock(owner_.mu_);
  owner_.open_.erase(id_);
}

std::shared_ptr<StdinQueues::Registration> StdinQueues::Open(const std::string& owner) {
  auto queue = std::make_shared<StdinQueue>();
  std::string id = RandomHex(16);
  {
    MutexLock lock(mu_);
    if (open_.size() >= kMaxOpen) return nullptr;
    open_[id] = {owner, queue};
  }
  return std::make_shared<Registration>(*this, id, queue);
}

HttpResponse StdinQueues::Input(
    const std::string& id, std::string data, bool end,
    const std::function<std::optional<HttpResponse>(const std::string& owner)>& refuse) {
  Entry entry;
  {
    MutexLock lock(mu_);
    auto it = open_.find(id);
    if (it != open_.end()) entry = it->second;
  }
  if (!entry.queue) return ErrorResponse(404, "no such input stream (its command or session has ended)");
  if (auto refused = refuse(entry.owner)) return std::move(*refused);
  switch (entry.queue->Push(std::move(data), end)) {
    case StdinQueue::Pushed::kClosed:
      return ErrorResponse(404, "no such input stream (its command or session has ended)");
    case StdinQueue::Pushed::kFull: {
      HttpResponse busy = ErrorResponse(429, "the command is not reading its input; try again shortly");
      busy.headers.emplace("Retry-After", "1");
      return busy;
    }
    case StdinQueue::Pushed::kAccepted:
      break;
  }
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace sesame::controller::api
