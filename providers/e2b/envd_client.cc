#include "providers/http/response_fields.h"
#include "providers/e2b/envd_client.h"

#include <nlohmann/json.hpp>

#include "providers/http/http_status.h"
#include "providers/http/stream_decoders.h"

namespace sesame::providers::e2b {

using nlohmann::json;

namespace {

constexpr char kEnvdPort[] = "49983";

Status Malformed(const std::string& what) {
  return http::MalformedResponse("e2b: malformed response from envd: ", what);
}

}  // namespace

Status ConnectCodeStatus(const std::string& code, const std::string& message) {
  Code c = Code::kInternal;
  std::string reason = http::CamelCaseReason(code);
  if (code == "not_found") c = Code::kNotFound;
  else if (code == "invalid_argument" || code == "out_of_range" || code == "failed_precondition") c = Code::kInvalid;
  else if (code == "unauthenticated" || code == "permission_denied") c = Code::kTerminal;
  else if (code == "already_exists") c = Code::kAlreadyExists;
  else if (code == "resource_exhausted") c = Code::kRateLimited;
  else if (code == "unavailable" || code == "deadline_exceeded" || code == "aborted" ||
           code == "canceled") c = Code::kUnavailable;
  else if (code == "unimplemented") c = Code::kUnsupported;
  Status s(c, "e2b envd: " + message + " (" + code + ")");
  s.WithReason(reason.empty() ? "EnvdError" : reason);
  if (c == Code::kRateLimited) s.WithRetryAfterMs(1000);
  return s;
}

Status EnvdError(const http::Response& response, const std::string& what) {
  json body = json::parse(response.body, nullptr, false);
  std::string message = what + " failed";
  if (body.is_object()) {
    auto code = body.find("code");
    auto msg = body.find("message");
    if (msg != body.end() && msg->is_string()) message = what + ": " + msg->get<std::string>();
    if (code != body.end() && code->is_string()) {
      return ConnectCodeStatus(code->get<std::string>(), message);
    }
  }
  return http::StatusFromHttp(response, "e2b envd: " + message);
}

std::vector<std::pair<std::string, std::string>> EnvdClient::Headers(
    const std::string& content_type) const {
  std::vector<std::pair<std::string, std::string>> h = {
      {"E2b-Sandbox-Id", target_.sandbox_id}, {"E2b-Sandbox-Port", kEnvdPort}};
  if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
  if (!target_.access_token.empty()) h.emplace_back("X-Access-Token", target_.access_token);
  if (!target_.user.empty()) {
    h.emplace_back("Authorization", "Basic " + http::Base64Encode(target_.user + ":"));
  }
  return h;
}

std::string EnvdClient::FilesUrl(const std::string& path) const {
  return target_.base_url + "/files?" + http::QueryString({{"path", path}, {"username", target_.user}});
}

Result<int> EnvdClient::Run(const ProcessSpec& spec, Streams& streams, bool detach,
                            const std::vector<std::string>& secrets) {
  json envs = json::object();
  for (const auto& [k, v] : spec.envs) envs[k] = v;
  json message = {{"process", {{"cmd", "/bin/bash"}, {"args", spec.args}, {"envs", envs}}},
                  {"stdin", false}};
  if (!spec.tag.empty()) message["tag"] = spec.tag;
  http::Request req;
  req.method = "POST";
  req.url = target_.base_url + "/process.Process/Start";
  req.headers = Headers("application/connect+json");
  req.headers.emplace_back("Connect-Protocol-Version", "1");
  req.headers.emplace_back("Keepalive-Ping-Interval", "50");
  if (spec.timeout.count() > 0) {
    req.headers.emplace_back("Connect-Timeout-Ms", std::to_string(spec.timeout.count()));
  }
  req.body = http::ConnectEnvelope(message.dump());
  req.timeout = Millis(0);  // the process decides; cancellation ends a follow
  req.idempotent = false;   // a command must not run twice
  if (streams.cancelled) req.cancelled = streams.cancelled;

  std::optional<int> exit_code;
  bool started = false, ended = false;
  Status failure;
  http::ConnectEnvelopeDecoder decoder([&](uint8_t flags, std::string_view payload) {
    if (!failure.ok()) return;
    json m = json::parse(payload, nullptr, false);
    if (!m.is_object()) {
      failure = Malformed("an envelope is not a JSON object");
      return;
    }
    try {
      if (flags & http::ConnectEnvelopeDecoder::kEndStream) {
        ended = true;
        if (m.contains("error")) {
          const json& e = m["error"];
          failure = ConnectCodeStatus(e.value("code", "unknown"), e.value("message", ""));
        }
        return;
      }
      const json& ev = m.at("event");
      if (ev.contains("start")) started = true;
      if (ev.contains("data")) {
        const json& d = ev["data"];
        for (const char* stream : {"stdout", "stderr", "pty"}) {
          if (!d.contains(stream)) continue;
          auto bytes = http::Base64Decode(d[stream].get<std::string>());
          if (!bytes) {
            failure = Malformed("output is not base64");
            return;
          }
          auto& sink = std::string_view(stream) == "stderr" ? streams.on_stderr : streams.on_stdout;
          if (sink) sink(*bytes);
        }
      }
      if (ev.contains("end")) {
        const json& end = ev["end"];
        exit_code = end.value("exitCode", 0);
        if (end.contains("error") && end["error"].is_string() && !end["error"].get<std::string>().empty() &&
            exit_code == 0) {
          exit_code = -1;
        }
      }
    } catch (const std::exception& e) {
      failure = Malformed(std::string("unexpected event shape: ") + e.what());
    }
  });
  auto response = http_.Stream(req, [&](std::string_view chunk) {
    decoder.Feed(chunk);
    if (!failure.ok()) return false;
    return !(detach && started);
  });
  if (!response.ok()) {
    if (response.status().reason() == "Cancelled") return exit_code.value_or(0);
    return response.status();
  }
  if (!response->ok()) return EnvdError(*response, "starting the command");
  if (!failure.ok()) return Status(failure.code(), http_.Redact(failure.message(), secrets));
  if (detach && started) return 0;
  if (streams.cancelled && streams.cancelled()) return exit_code.value_or(0);
  if (!exit_code) {
    return Status(Code::kUnavailable, ended ? "e2b envd: the command stream ended without an exit code"
                                            : "e2b envd: the command stream was cut off");
  }
  return *exit_code;
}

Status EnvdClient::KillTag(const std::string& tag) {
  http::Request req;
  req.method = "POST";
  req.url = target_.base_url + "/process.Process/SendSignal";
  req.headers = Headers("application/json");
  req.headers.emplace_back("Connect-Protocol-Version", "1");
  req.body = json{{"process", {{"tag", tag}}}, {"signal", "SIGNAL_SIGKILL"}}.dump();
  auto r = http_.Send(req);
  if (!r.ok()) return r.status();
  if (r->ok() || r->status == 404) return Status::Ok();
  Status s = EnvdError(*r, "stopping the session");
  return s.code() == Code::kNotFound ? Status::Ok() : s;
}

Result<std::string> EnvdClient::ReadFile(const std::string& path) {
  http::Request req;
  req.url = FilesUrl(path);
  req.headers = Headers("");
  auto r = http_.Send(req);
  if (!r.ok()) return r.status();
  if (r->ok()) return std::move(r->body);
  if (r->status == 404) return NotFoundError("e2b: " + path + ": no such file in the sandbox");
  return EnvdError(*r, "reading " + path);
}

Status EnvdClient::WriteFile(const std::string& path, const std::string& content) {
  http::Request req;
  req.method = "POST";
  req.url = FilesUrl(path);
  req.headers = Headers("application/octet-stream");
  req.body = content;
  auto r = http_.Send(req);
  if (!r.ok()) return r.status();
  if (r->ok()) return Status::Ok();
  return EnvdError(*r, "writing " + path);
}

}  // namespace sesame::providers::e2b
