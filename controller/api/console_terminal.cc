#include "controller/api/console_terminal.h"

#include "common/mutex.h"
#include "controller/api/api_errors.h"
#include "controller/api/console_sessions.h"
#include "reconcilers/sandbox_handle.h"

namespace sesame::controller::api {

HttpResponse TerminalBroker::Open(const std::string& ns, const std::string& name) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return ErrorResponse(handle.status());
  if (!handle->sandbox.spec.stdin_open) {
    return ErrorResponse(400, "sandbox/" + name + " has no stdin: set spec.stdin: true for a terminal");
  }
  auto input = queues_.Open(ns);
  if (!input) return ErrorResponse(429, "too many open terminals");
  HttpResponse response;
  // Not text/*: the HTTP library would compress it for a browser, holding
  // output back until a compression block fills.
  response.content_type = "application/octet-stream";
  response.headers["X-Sesame-Terminal"] = input->id();
  response.headers["Cache-Control"] = "no-store";
  auto h = std::make_shared<reconcilers::SandboxHandle>(std::move(handle).value());
  response.stream = [h, input](const ChunkWriter& write) {
    // The provider calls these from two threads (its stdin feeder and its
    // output loop): one lock around the writer.
    Mutex write_mu;
    bool closed = false;
    auto send = [&](std::string_view data) {
      MutexLock lock(write_mu);
      if (closed) return false;
      if (!write(data)) {
        closed = true;
        input->queue().Close();  // the browser went: detach
      }
      return !closed;
    };
    providers::Streams streams;
    streams.on_stdout = [&](std::string_view d) { send(d); };
    streams.on_stderr = streams.on_stdout;
    streams.cancelled = [&] { return !send(""); };
    streams.read_stdin = [&](std::string& chunk) { return input->queue().Read(chunk); };
    Status status = h->provider->Attach(h->observed, streams);
    if (!status.ok()) send("\r\n[" + status.message() + "]\r\n");
    else send("\r\n[the session ended]\r\n");
    input->queue().Close();
  };
  return response;
}

HttpResponse TerminalBroker::Input(const std::string& id, std::string data,
                                   const std::function<bool(const std::string&)>& allowed) {
  return queues_.Input(id, std::move(data), false, [&](const std::string& ns) -> std::optional<HttpResponse> {
    if (allowed(ns)) return std::nullopt;
    return ErrorResponse(403, "this token may not act in namespace " + ns);
  });
}

}  // namespace sesame::controller::api
