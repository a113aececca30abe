// The streaming routes: watch, logs, exec/attach, and files.

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "controller/api/api_errors.h"
#include "controller/api/api_handlers.h"
#include "providers/detach_input.h"
#include "reconcilers/sandbox_handle.h"
#include "specs/codec.h"

namespace sesame::controller::api {

using nlohmann::json;

std::string EncodeFrame(Frame stream, std::string_view payload) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(stream);
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
  out.append(payload);
  return out;
}

namespace {

constexpr auto kKeepAlive = std::chrono::seconds(15);

// Output as one server-sent event: a "data:" line per line of it, so the
// browser's EventSource joins them back with newlines.
std::string SseData(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    out += "data: ";
    // A carriage return would also end the line for the browser.
    for (char c : text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start)) {
      if (c != '\r') out += c;
    }
    out += "\n";
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out + "\n";
}

}  // namespace

HttpResponse ApiHandlers::Watch(const HttpRequest& r, const std::string& kind, const std::string& ns) {
  auto listed = ListOptionsFrom(r, kind, ns);
  if (!listed.ok()) return ErrorResponse(400, listed.status().message());
  store::ListOptions options = *listed;
  auto from_version = r.ResumeFrom("resourceVersion");
  if (!from_version.ok()) return ErrorResponse(from_version.status());
  int64_t from = *from_version;
  // Refuse a version the change log no longer reaches, before streaming.
  if (from != 0) {
    auto probe = ctx_.store->ChangesSince(from, 1);
    if (!probe.ok()) {
      return ErrorResponse(410, "resourceVersion " + std::to_string(from) +
                                    " is too old; list again and watch from the list's version");
    }
  }
  // timeoutSeconds: the stream ends then (as in Kubernetes).
  auto timeout = r.QueryInteger("timeoutSeconds", 0, 0, int64_t{1} << 31);
  if (!timeout.ok()) return ErrorResponse(timeout.status());
  int64_t timeout_seconds = *timeout;
  bool sse = r.Header("accept").find("text/event-stream") != std::string::npos;
  HttpResponse response;
  response.content_type = sse ? "text/event-stream" : "application/x-ndjson";
  store::Store* store = ctx_.store;
  WatchHub* hub = watches_.get();
  response.stream = [store, hub, options, from, sse, timeout_seconds](const ChunkWriter& write) {
    auto steady = std::chrono::steady_clock::now;
    auto until = timeout_seconds > 0 ? steady() + std::chrono::seconds(timeout_seconds)
                                     : std::chrono::steady_clock::time_point::max();
    auto last_write = steady();
    auto send = [&](const WatchLine& line) {
      last_write = steady();
      if (sse) {
        return write("id: " + std::to_string(line.resource_version) + "\nevent: " +
                     store::ToString(line.type) + "\ndata: " + *line.text + "\n\n");
      }
      return write(*line.text + "\n");
    };
    int64_t seen = from;
    if (from == 0) {
      // No version: the current objects first, as ADDED, then changes.
      std::vector<std::string> objects;
      auto rv = store->ListJson(options, [&](std::string_view object) { objects.emplace_back(object); });
      if (!rv.ok()) return;
      std::string lines;
      for (const auto& object : objects) {
        std::string line = "{\"type\":\"ADDED\",\"object\":" + object + "}";
        lines += sse ? "id: " + std::to_string(*rv) + "\nevent: ADDED\ndata: " + line + "\n\n" : line + "\n";
      }
      if (!lines.empty() && !write(lines)) return;
      seen = *rv;
    }
    auto alive = [&] {
      if (steady() - last_write > kKeepAlive) {
        // Detects clients that went away; SSE comments are ignored by browsers.
        last_write = steady();
        return write(sse ? ": keep-alive\n\n" : "\n");
      }
      return write("");
    };
    // Ends when the client goes, at timeoutSeconds, or when the change log
    // no longer reaches back (the client lists again).
    (void)hub->Follow(options, seen, until, send, alive);
  };
  return response;
}

HttpResponse ApiHandlers::Logs(const HttpRequest& r, const std::string& ns, const std::string& name) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return ErrorResponse(handle.status());
  providers::LogOptions options;
  options.follow = r.Query("follow") == "true";
  options.timestamps = r.Query("timestamps") == "true";
  options.previous = r.Query("previous") == "true";
  auto tail = r.QueryInteger("tailLines", -1, 0);
  if (!tail.ok()) return ErrorResponse(tail.status());
  if (*tail >= 0) options.tail = static_cast<size_t>(*tail);
  auto since = r.QueryInteger("sinceSeconds", -1, 0, int64_t{1} << 40);
  if (!since.ok()) return ErrorResponse(since.status());
  if (*since >= 0) options.since = Clock::Real().Now() - std::chrono::seconds(*since);
  // A browser reads a stream as it comes only as server-sent events: the
  // HTTP library compresses text/plain for it, holding output back.
  bool sse = r.Header("accept").find("text/event-stream") != std::string::npos;
  if (options.previous && !sse) {
    // A run that is over: read whole, so that "no previous run" is an
    // error status rather than a line of output.
    std::string output;
    providers::Streams streams;
    streams.on_stdout = streams.on_stderr = [&output](std::string_view d) { output.append(d); };
    Status status = handle->provider->Logs(handle->observed, options, streams);
    if (!status.ok()) return ErrorResponse(status);
    HttpResponse response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(output);
    return response;
  }
  HttpResponse response;
  response.content_type = sse ? "text/event-stream" : "text/plain; charset=utf-8";
  auto h = std::make_shared<reconcilers::SandboxHandle>(std::move(handle).value());
  response.stream = [h, options, sse](const ChunkWriter& write) {
    bool gone = false;
    auto send = [&](std::string_view d) { gone = gone || !write(sse ? SseData(d) : std::string(d)); };
    providers::Streams streams;
    streams.on_stdout = send;
    streams.on_stderr = send;
    streams.cancelled = [&] { return gone || !write(""); };
    Status status = h->provider->Logs(h->observed, options, streams);
    if (!status.ok() && !gone) send("error: " + status.message() + "\n");
    // Tells an EventSource the output is over, instead of reconnecting.
    if (sse && !gone) write("event: end\ndata: \n\n");
  };
  return response;
}

HttpResponse ApiHandlers::Exec(const HttpRequest& r, const std::string& ns, const std::string& name,
                               bool attach) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return ErrorResponse(handle.status());
  providers::ExecRequest request;
  request.command = r.QueryAll("command");
  request.stdin_open = r.Query("stdin") == "true";
  request.tty = !attach && r.Query("tty") == "true";
  if (!attach && request.command.empty()) return ErrorResponse(400, "exec needs ?command=... (repeatable)");
  const providers::Capabilities caps = handle->provider->capabilities();
  if ((attach || request.stdin_open) && !caps.stdin) {
    return ErrorResponse(400, handle->provider->name() + " sandboxes have no stdin: " +
                                  (attach ? "attach" : "exec -i") + " needs a provider that supports it");
  }
  if (attach && !handle->sandbox.spec.stdin_open) {
    return ErrorResponse(400, "sandbox/" + name + " has no stdin: set spec.stdin: true to attach");
  }
  request.env = reconcilers::ExecEnvironment(handle->sandbox.spec);
  HttpResponse response;
  response.content_type = "application/vnd.sesame.stream";
  // interactive=true: stdin comes as it is typed, in POSTs to .../stdin/ID
  // (the header X-Sesame-Stdin names ID), instead of in the body.
  std::shared_ptr<StdinQueues::Registration> typed;
  if (r.Query("interactive") == "true") {
    if (!attach && !request.stdin_open) return ErrorResponse(400, "interactive=true needs stdin=true");
    typed = stdin_.Open(ns + "/" + name);
    if (!typed) return ErrorResponse(429, "too many interactive streams are open; retry shortly");
    response.headers["X-Sesame-Stdin"] = typed->id();
  }
  auto h = std::make_shared<reconcilers::SandboxHandle>(std::move(handle).value());
  auto input = std::make_shared<std::string>(typed ? "" : r.body);
  response.stream = [h, request, input, typed, attach](const ChunkWriter& write) {
    // The provider writes from its output loop while its stdin feeder asks
    // whether the client is still there: one lock around the writer.
    Mutex write_mu;
    bool gone = false;
    auto send = [&](std::string_view data) {
      MutexLock lock(write_mu);
      if (!gone && !write(data)) {
        gone = true;
        if (typed) typed->queue().Close();
      }
      return !gone;
    };
    bool fed = false;
    providers::Streams streams;
    streams.on_stdout = [&](std::string_view d) { send(EncodeFrame(Frame::kStdout, d)); };
    streams.on_stderr = [&](std::string_view d) { send(EncodeFrame(Frame::kStderr, d)); };
    streams.read_stdin = [&](std::string& chunk) {
      if (typed) return typed->queue().Read(chunk);
      // Else the request body is the command's stdin.
      if (fed || input->empty()) return false;
      chunk = *input;
      fed = true;
      return true;
    };
    // A command that prints nothing still stops when the client goes away.
    streams.cancelled = [&] { return !send(""); };
    if (attach) {
      // Once the input has ended, detach (the session goes on), after a
      // moment of the session's answer.
      providers::Streams detaching = providers::DetachAtEndOfInput(streams);
      Status s = h->provider->Attach(h->observed, detaching);
      if (!s.ok()) send(EncodeFrame(Frame::kError, s.message()));
    } else {
      auto code = h->provider->Exec(h->observed, request, streams);
      if (code.ok()) send(EncodeFrame(Frame::kExit, std::to_string(*code)));
      else send(EncodeFrame(Frame::kError, code.status().message()));
    }
    if (typed) typed->queue().Close();
  };
  return response;
}

HttpResponse ApiHandlers::Files(const HttpRequest& r, const std::string& ns, const std::string& name) {
  std::string path = r.Query("path");
  if (path.empty()) return ErrorResponse(400, "files needs ?path=PATH (relative to the workspace)");
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return ErrorResponse(handle.status());
  if (!handle->provider->capabilities().file_ops) {
    return ErrorResponse(400, handle->provider->name() + " sandboxes have no file operations");
  }
  if (r.method == "GET") {
    auto content = handle->provider->ReadFile(handle->observed, path);
    if (!content.ok()) return ErrorResponse(content.status());
    HttpResponse response;
    response.content_type = "application/octet-stream";
    response.body = std::move(content).value();
    return response;
  }
  if (r.method == "PUT") {
    Status status = handle->provider->WriteFile(handle->observed, path, r.body);
    if (!status.ok()) return ErrorResponse(status);
    HttpResponse response;
    response.status = 204;
    return response;
  }
  return ErrorResponse(405, "use GET or PUT for files");
}

}  // namespace sesame::controller::api
