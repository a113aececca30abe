#include "controller/api/console_terminal.h"

#include <atomic>
#include <condition_variable>
#include <deque>

#include "controller/api/api_errors.h"
#include "controller/api/console_sessions.h"
#include "reconcilers/sandbox_handle.h"

namespace sesame::controller::api {

struct TerminalBroker::Terminal {
  std::string ns;
  std::mutex mu;
  std::condition_variable wake;
  std::deque<std::string> input;  // GUARDED_BY(mu)
  size_t pending = 0;             // GUARDED_BY(mu): bytes in `input`
  std::atomic<bool> closed{false};
};

namespace {

// How often a stdin reader with nothing to send lets the provider check
// whether the browser went away.
constexpr auto kInputTick = std::chrono::milliseconds(200);

}  // namespace

HttpResponse TerminalBroker::Open(const std::string& ns, const std::string& name) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return ErrorResponse(handle.status());
  if (!handle->sandbox.spec.stdin_open) {
    return ErrorResponse(400, "sandbox/" + name + " has no stdin: set spec.stdin: true for a terminal");
  }
  auto terminal = std::make_shared<Terminal>();
  terminal->ns = ns;
  std::string id = RandomHex(16);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (terminals_.size() >= kMaxTerminals) return ErrorResponse(429, "too many open terminals");
    terminals_[id] = terminal;
  }
  HttpResponse response;
  // Not text/*: the HTTP library would compress it for a browser, holding
  // output back until a compression block fills.
  response.content_type = "application/octet-stream";
  response.headers["X-Sesame-Terminal"] = id;
  response.headers["Cache-Control"] = "no-store";
  auto h = std::make_shared<reconcilers::SandboxHandle>(std::move(handle).value());
  response.stream = [this, h, terminal, id](const ChunkWriter& write) {
    // The provider calls these from two threads (its stdin feeder and its
    // output loop): one lock around the writer.
    std::mutex write_mu;
    auto send = [&](std::string_view data) {
      std::lock_guard<std::mutex> lock(write_mu);
      if (terminal->closed) return false;
      if (!write(data)) terminal->closed = true;
      return !terminal->closed.load();
    };
    providers::Streams streams;
    streams.on_stdout = [&](std::string_view d) { send(d); };
    streams.on_stderr = streams.on_stdout;
    streams.cancelled = [&] { return !send(""); };
    streams.read_stdin = [&](std::string& chunk) {
      std::unique_lock<std::mutex> lock(terminal->mu);
      terminal->wake.wait_for(lock, kInputTick, [&] { return terminal->closed || !terminal->input.empty(); });
      if (terminal->closed) return false;
      chunk.clear();
      if (!terminal->input.empty()) {
        chunk = std::move(terminal->input.front());
        terminal->input.pop_front();
        terminal->pending -= chunk.size();
      }
      return true;  // an empty chunk: nothing yet, keep reading
    };
    Status status = h->provider->Attach(h->observed, streams);
    if (!status.ok()) send("\r\n[" + status.message() + "]\r\n");
    else send("\r\n[the session ended]\r\n");
    terminal->closed = true;
    terminal->wake.notify_all();
    std::lock_guard<std::mutex> lock(mu_);
    terminals_.erase(id);
  };
  return response;
}

HttpResponse TerminalBroker::Input(const std::string& id, std::string data,
                                   const std::function<bool(const std::string&)>& allowed) {
  std::shared_ptr<Terminal> terminal;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = terminals_.find(id);
    if (it != terminals_.end()) terminal = it->second;
  }
  if (!terminal || terminal->closed) return ErrorResponse(404, "no such terminal (it was closed)");
  if (!allowed(terminal->ns)) return ErrorResponse(403, "this token may not act in namespace " + terminal->ns);
  {
    std::lock_guard<std::mutex> lock(terminal->mu);
    if (terminal->pending + data.size() > kMaxPendingInput) {
      return ErrorResponse(429, "the session is not reading its input; try again later");
    }
    terminal->pending += data.size();
    terminal->input.push_back(std::move(data));
  }
  terminal->wake.notify_all();
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace sesame::controller::api
