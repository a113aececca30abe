#include "tests/providers/fakes/e2b_fake.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "common/time.h"
#include "providers/http/stream_decoders.h"

namespace sesame::fakes {

using nlohmann::json;

namespace {

void Error(httplib::Response& res, int code, const std::string& message) {
  res.status = code;
  res.set_content(json{{"code", code}, {"message", message}}.dump(), "application/json");
}

void ConnectError(httplib::Response& res, int http, const std::string& code, const std::string& message) {
  res.status = http;
  res.set_content(json{{"code", code}, {"message", message}}.dump(), "application/json");
}

json Listed(const E2bSandbox& s) {
  return {{"templateID", s.template_id}, {"alias", s.template_id}, {"sandboxID", s.id},
          {"clientID", "6532622b"},      {"startedAt", s.started_at}, {"endAt", s.end_at},
          {"cpuCount", 2},               {"memoryMB", 512},           {"diskSizeMB", 1024},
          {"metadata", s.metadata},      {"state", s.state},          {"envdVersion", "0.5.7"}};
}

std::string Unescape(const std::string& s) { return httplib::detail::decode_url(s, true); }

// "k=v&k2=v2" with each part encoded.
std::map<std::string, std::string> ParseMetadataFilter(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t amp = text.find('&', start);
    std::string pair = text.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto eq = pair.find('=');
    if (eq != std::string::npos) out[Unescape(pair.substr(0, eq))] = Unescape(pair.substr(eq + 1));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

std::string Event(const json& event) {
  return providers::http::ConnectEnvelope(json{{"event", event}}.dump());
}

}  // namespace

E2bFake::E2bFake(std::string api_key) : api_key_(std::move(api_key)) {
  exec = [](E2bSandbox& s, const std::vector<std::string>& args) {
    ExecOutput out;
    std::string script = args.empty() ? "" : args.back();
    if (script.find("tail -n") != std::string::npos) {
      out.stdout_text = s.files["/tmp/.sesame/session.log"];
      out.hang = true;
    } else if (script.rfind("echo ", 0) == 0) {
      out.stdout_text = script.substr(5) + "\n";
    } else if (script.find("/tmp/.sesame/started") != std::string::npos) {
      out.hang = true;  // the session runs on
    }
    return out;
  };
  Routes();
  Envd();
}

std::vector<E2bSandbox> E2bFake::sandboxes() const {
  MutexLock lock(state_mu_);
  std::vector<E2bSandbox> out;
  for (const auto& [id, s] : sandboxes_) out.push_back(s);
  return out;
}

std::optional<E2bSandbox> E2bFake::sandbox(const std::string& id) const {
  MutexLock lock(state_mu_);
  auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) return std::nullopt;
  return it->second;
}

std::string E2bFake::Add(E2bSandbox s) {
  MutexLock lock(state_mu_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "i%05dx", next_id_++);
  s.id = buf;
  if (s.started_at.empty()) s.started_at = FormatTime(Clock::Real().Now(), true);
  if (s.end_at.empty()) s.end_at = FormatTime(Clock::Real().Now() + std::chrono::seconds(s.timeout), true);
  if (s.token.empty()) s.token = "envd-token-" + s.id;
  sandboxes_[s.id] = s;
  return s.id;
}

void E2bFake::SetFile(const std::string& id, const std::string& path, const std::string& content) {
  MutexLock lock(state_mu_);
  sandboxes_[id].files[path] = content;
}

void E2bFake::Routes() {
  auto authed = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-API-Key") != api_key_) {
      Error(res, 401, "Invalid API key, it must start with 'e2b_' prefix and be valid");
      return false;
    }
    return true;
  };
  server().Post("/sandboxes", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("templateID") || !body["templateID"].is_string()) {
      return Error(res, 400, "request body has an error: doesn't match schema: templateID is required");
    }
    long timeout = body.value("timeout", 15L);
    if (timeout <= 0) return Error(res, 400, "Timeout must be greater than 0");
    std::string tmpl = body["templateID"];
    if (!templates.count(tmpl)) return Error(res, 404, "template '" + tmpl + "' not found");
    E2bSandbox s;
    s.template_id = tmpl;
    s.timeout = timeout;
    if (body.contains("metadata")) s.metadata = body["metadata"].get<std::map<std::string, std::string>>();
    if (body.contains("envVars")) s.env_vars = body["envVars"].get<std::map<std::string, std::string>>();
    std::string id = Add(s);
    auto created = sandbox(id);
    res.status = 201;
    res.set_content(json{{"templateID", tmpl}, {"sandboxID", id}, {"alias", tmpl},
                         {"clientID", "6532622b"}, {"envdVersion", "0.5.7"},
                         {"envdAccessToken", created->token}, {"trafficAccessToken", nullptr},
                         {"domain", nullptr}}
                        .dump(),
                    "application/json");
  });
  server().Get(R"(/sandboxes/([^/]+))", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    auto s = sandbox(req.matches[1]);
    if (!s) return Error(res, 404, "sandbox \"" + std::string(req.matches[1]) + "\" doesn't exist or you don't have access to it");
    json d = Listed(*s);
    d["envdAccessToken"] = s->token;
    d["domain"] = nullptr;
    d["lifecycle"] = {{"autoResume", false}, {"onTimeout", "kill"}};
    res.set_content(d.dump(), "application/json");
  });
  server().Get("/v2/sandboxes", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    auto filter = ParseMetadataFilter(req.get_param_value("metadata"));
    std::string states = req.has_param("state") ? req.get_param_value("state") : "running,paused";
    long limit = req.has_param("limit") ? std::stol(req.get_param_value("limit")) : 100;
    if (limit < 1 || limit > 100) return Error(res, 400, "limit must be between 1 and 100");
    size_t offset = 0;
    if (req.has_param("nextToken")) {
      std::string t = req.get_param_value("nextToken");
      auto decoded = providers::http::Base64Decode(t);
      if (!decoded || decoded->rfind("offset:", 0) != 0) return Error(res, 400, "invalid next token");
      offset = std::stoul(decoded->substr(7));
    }
    std::vector<E2bSandbox> all;
    for (const auto& s : sandboxes()) {
      if (states.find(s.state) == std::string::npos) continue;
      bool match = true;
      for (const auto& [k, v] : filter) {
        auto it = s.metadata.find(k);
        if (it == s.metadata.end() || it->second != v) match = false;
      }
      if (match) all.push_back(s);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.started_at != b.started_at ? a.started_at > b.started_at : a.id > b.id;
    });
    json out = json::array();
    for (size_t i = offset; i < all.size() && i < offset + limit; ++i) out.push_back(Listed(all[i]));
    if (offset + limit < all.size()) {
      res.set_header("X-Next-Token",
                     providers::http::Base64Encode("offset:" + std::to_string(offset + limit)));
    }
    res.set_content(out.dump(), "application/json");
  });
  server().Post(R"(/sandboxes/([^/]+)/(timeout|pause|connect|refreshes))",
                [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    std::string id = req.matches[1], op = req.matches[2];
    MutexLock lock(state_mu_);
    auto it = sandboxes_.find(id);
    if (it == sandboxes_.end()) return Error(res, 404, "sandbox \"" + id + "\" doesn't exist or you don't have access to it");
    E2bSandbox& s = it->second;
    json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (!body.is_object()) return Error(res, 400, "request body has an error: invalid JSON");
    if (op == "timeout") {
      if (!body.contains("timeout") || !body["timeout"].is_number_integer()) return Error(res, 400, "timeout is required");
      s.timeout = body["timeout"];
      s.end_at = FormatTime(Clock::Real().Now() + std::chrono::seconds(s.timeout), true);
      res.status = 204;
    } else if (op == "pause") {
      if (s.state != "running") return Error(res, 409, "sandbox \"" + id + "\" cannot be paused while in 'paused' state");
      s.state = "paused";
      res.status = 204;
    } else if (op == "connect") {
      if (!body.contains("timeout")) return Error(res, 400, "request body has an error: timeout is required");
      res.status = s.state == "paused" ? 201 : 200;
      s.state = "running";
      res.set_content(json{{"templateID", s.template_id}, {"sandboxID", s.id}, {"clientID", "6532622b"},
                           {"envdVersion", "0.5.7"}, {"envdAccessToken", s.token}, {"domain", nullptr}}
                          .dump(),
                      "application/json");
    } else {
      res.status = 204;
    }
  });
  server().Delete(R"(/sandboxes/([^/]+))", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    if (sandboxes_.erase(req.matches[1]) == 0) {
      return Error(res, 404, "sandbox \"" + std::string(req.matches[1]) + "\" doesn't exist or you don't have access to it");
    }
    res.status = 204;
  });
}

void E2bFake::Envd() {
  // envd: the sandbox comes from the routing header, the caller's right from its token.
  auto target = [this](const httplib::Request& req, httplib::Response& res) -> std::string {
    std::string id = req.get_header_value("E2b-Sandbox-Id");
    if (req.get_header_value("E2b-Sandbox-Port") != "49983") {
      Error(res, 502, "The sandbox port is not open");
      return "";
    }
    auto s = sandbox(id);
    if (!s || s->state != "running") {
      Error(res, 502, "The sandbox " + id + " was not found");
      return "";
    }
    if (req.get_header_value("X-Access-Token") != s->token) {
      Error(res, 401, "unauthorized access, please provide a valid access token or method signing if supported");
      return "";
    }
    return id;
  };
  server().Post("/process.Process/Start", [this, target](const httplib::Request& req, httplib::Response& res) {
    std::string id = target(req, res);
    if (id.empty()) return;
    if (req.get_header_value("Content-Type") != "application/connect+json") {
      return ConnectError(res, 415, "invalid_argument", "unsupported content type");
    }
    std::string payload;
    providers::http::ConnectEnvelopeDecoder decoder(
        [&](uint8_t, std::string_view p) { payload = std::string(p); });
    decoder.Feed(req.body);
    json msg = json::parse(payload, nullptr, false);
    if (!msg.is_object() || !msg.contains("process")) {
      return ConnectError(res, 400, "invalid_argument", "invalid request");
    }
    std::vector<std::string> args = msg["process"].value("args", std::vector<std::string>{});
    ExecOutput out;
    {
      MutexLock lock(state_mu_);
      E2bSandbox& s = sandboxes_[id];
      if (!args.empty()) s.scripts.push_back(args.back());
      out = exec(s, args);
    }
    std::string body = Event({{"start", {{"pid", 1234}}}});
    auto data = [&](const char* stream, const std::string& text) {
      for (size_t i = 0; i < text.size(); i += 5) {  // several data events
        body += Event({{"data", {{stream, providers::http::Base64Encode(text.substr(i, 5))}}}});
      }
    };
    data("stdout", out.stdout_text);
    data("stderr", out.stderr_text);
    json end = {{"exited", true}, {"status", "exit status " + std::to_string(out.exit_code)}};
    if (out.exit_code != 0) end["exitCode"] = out.exit_code;
    std::string tail = Event({{"end", end}}) + providers::http::ConnectEnvelope("{}", 0x02);
    size_t chunk = chunk_size == 0 ? body.size() : chunk_size;
    bool hang = out.hang;
    res.set_chunked_content_provider(
        "application/connect+json",
        [this, body, tail, chunk, hang](size_t, httplib::DataSink& sink) {
          for (size_t i = 0; i < body.size(); i += chunk) {
            if (!sink.write(body.data() + i, std::min(chunk, body.size() - i))) return false;
          }
          while (hang && sink.is_writable()) {
            std::string ka = Event({{"keepalive", json::object()}});
            if (!sink.write(ka.data(), ka.size())) return false;
            Sleep(std::chrono::milliseconds(20));
            if (stopping()) break;
          }
          if (!hang) sink.write(tail.data(), tail.size());
          sink.done();
          return true;
        });
  });
  server().Post("/process.Process/SendSignal", [target](const httplib::Request& req, httplib::Response& res) {
    if (target(req, res).empty()) return;
    res.set_content("{}", "application/json");
  });
  server().Get("/files", [this, target](const httplib::Request& req, httplib::Response& res) {
    std::string id = target(req, res);
    if (id.empty()) return;
    std::string path = req.get_param_value("path");
    MutexLock lock(state_mu_);
    auto& files = sandboxes_[id].files;
    auto it = files.find(path);
    if (it == files.end()) return Error(res, 404, "path '" + path + "' does not exist");
    res.set_content(it->second, "application/octet-stream");
  });
  server().Post("/files", [this, target](const httplib::Request& req, httplib::Response& res) {
    std::string id = target(req, res);
    if (id.empty()) return;
    if (req.get_header_value("Content-Type") != "application/octet-stream" || !req.has_param("path")) {
      return Error(res, 400, "expected an octet-stream body and a path");
    }
    std::string path = req.get_param_value("path");
    {
      MutexLock lock(state_mu_);
      sandboxes_[id].files[path] = req.body;
    }
    std::string name = path.substr(path.rfind('/') + 1);
    res.set_content(json::array({{{"path", path}, {"name", name}, {"type", "file"}}}).dump(), "application/json");
  });
}

}  // namespace sesame::fakes
