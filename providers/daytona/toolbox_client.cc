#include "providers/http/response_fields.h"
#include "providers/daytona/toolbox_client.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>

#include "providers/http/http_status.h"

namespace sesame::providers::daytona {

using nlohmann::json;

namespace {

Status Malformed(const std::string& what) {
  return http::MalformedResponse("daytona: malformed response: ", what);
}

std::string SessionId() {
  static std::atomic<long> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return "sesame-exec-" + std::to_string(rng() % 1000000) + "-" + std::to_string(++counter);
}

}  // namespace

Status DaytonaError(const http::HttpClient& client, const http::Response& r, const std::string& what,
                    const std::vector<std::string>& secrets) {
  json body = json::parse(r.body, nullptr, false);
  std::string message, reason;
  if (body.is_object()) {
    auto m = body.find("message");
    if (m != body.end() && m->is_string()) message = *m;
    if (m != body.end() && m->is_array()) {
      for (const auto& part : *m) {
        if (part.is_string()) message += (message.empty() ? "" : ", ") + part.get<std::string>();
      }
    }
    auto code = body.find("code");  // toolbox: "NOT_FOUND", "REQUEST_TIMEOUT", ...
    if (code != body.end() && code->is_string()) reason = http::CamelCaseReason(*code);
  }
  if (message.empty()) message = r.body.empty() ? "no details" : "unreadable error body";
  return http::StatusFromHttp(r, client.Redact("daytona: " + what + ": " + message, secrets), reason);
}

Result<http::Response> ToolboxClient::Call(const std::string& method, const std::string& path,
                                           const std::string& body, const std::string& content_type,
                                           bool idempotent) {
  http::Request req;
  req.method = method;
  req.url = base_ + path;
  req.body = body;
  req.idempotent = idempotent;
  if (!body.empty() && !content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  return http_.Send(req);
}

Status ToolboxClient::Execute(const std::string& command) {
  auto r = Call("POST", "/process/execute", json{{"command", command}}.dump(), "application/json", false);
  if (!r.ok()) return r.status();
  if (!r->ok()) return DaytonaError(http_, *r, "running a command");
  return Status::Ok();
}

Result<int> ToolboxClient::Run(const std::string& command, Streams& streams,
                               std::optional<Millis> timeout, const std::vector<std::string>& secrets) {
  std::string sid = SessionId();
  auto r = Call("POST", "/process/session", json{{"sessionId", sid}}.dump());
  if (!r.ok()) return r.status();
  if (!r->ok()) return DaytonaError(http_, *r, "opening a session");
  struct Cleanup {
    ToolboxClient* self;
    std::string sid;
    ~Cleanup() { (void)self->Call("DELETE", "/process/session/" + sid, ""); }
  } cleanup{this, sid};
  r = Call("POST", "/process/session/" + sid + "/exec",
           json{{"command", command}, {"runAsync", true}}.dump(), "application/json", false);
  if (!r.ok()) return r.status();
  if (!r->ok()) return DaytonaError(http_, *r, "starting the command", secrets);
  json started = json::parse(r->body, nullptr, false);
  if (!started.is_object() || !started.contains("cmdId") || !started["cmdId"].is_string()) {
    return Malformed("the exec response has no cmdId");
  }
  std::string base = "/process/session/" + sid + "/command/" + started["cmdId"].get<std::string>();
  size_t out_seen = 0, err_seen = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(Millis(0));
  auto emit = [&]() -> Status {
    auto logs = Call("GET", base + "/logs", "");
    if (!logs.ok()) return logs.status();
    if (!logs->ok()) return DaytonaError(http_, *logs, "reading command output");
    json l = json::parse(logs->body, nullptr, false);
    if (!l.is_object()) return Malformed("command logs are not a JSON object");
    std::string out = l.value("stdout", std::string()), err = l.value("stderr", std::string());
    if (out.size() > out_seen && streams.on_stdout) streams.on_stdout(std::string_view(out).substr(out_seen));
    if (err.size() > err_seen && streams.on_stderr) streams.on_stderr(std::string_view(err).substr(err_seen));
    out_seen = std::max(out_seen, out.size());
    err_seen = std::max(err_seen, err.size());
    return Status::Ok();
  };
  for (;;) {
    auto c = Call("GET", base, "");
    if (!c.ok()) return c.status();
    if (!c->ok()) return DaytonaError(http_, *c, "reading command state");
    json cmd = json::parse(c->body, nullptr, false);
    if (!cmd.is_object()) return Malformed("the command is not a JSON object");
    bool done = cmd.contains("exitCode") && cmd["exitCode"].is_number_integer();
    try {
      SESAME_RETURN_IF_ERROR(emit());
    } catch (const std::exception& e) {
      return Malformed(std::string("command logs: ") + e.what());
    }
    if (done) return cmd["exitCode"].get<int>();
    if (streams.cancelled && streams.cancelled()) return 0;
    if (timeout && std::chrono::steady_clock::now() >= deadline) {
      return Status(Code::kUnavailable, "daytona: the command did not finish within " +
                                            std::to_string(timeout->count()) + " ms")
          .WithReason("Timeout");
    }
    sleep_(poll_);
  }
}

Result<std::string> ToolboxClient::Download(const std::string& path) {
  auto r = Call("GET", "/files/download?" + http::QueryString({{"path", path}}), "");
  if (!r.ok()) return r.status();
  if (r->ok()) return std::move(r->body);
  if (r->status == 404) return NotFoundError("daytona: " + path + ": no such file in the sandbox");
  return DaytonaError(http_, *r, "reading " + path);
}

Status ToolboxClient::Upload(const std::string& path, const std::string& content) {
  std::string boundary = "----sesame" + std::to_string(std::random_device{}());
  std::string name = path.substr(path.rfind('/') + 1);
  std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                     name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" +
                     boundary + "--\r\n";
  auto r = Call("POST", "/files/upload?" + http::QueryString({{"path", path}}), body,
                "multipart/form-data; boundary=" + boundary);
  if (!r.ok()) return r.status();
  if (r->ok()) return Status::Ok();
  return DaytonaError(http_, *r, "writing " + path);
}

}  // namespace sesame::providers::daytona
