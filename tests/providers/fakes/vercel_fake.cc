#include "tests/providers/fakes/vercel_fake.h"

#include <httplib.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "common/time.h"

namespace sesame::fakes {

using nlohmann::json;

namespace {

void Error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(json{{"error", {{"code", code}, {"message", message}}}}.dump(), "application/json");
}

json ToJson(const VercelSandbox& s) {
  json j = {{"id", s.id},           {"memory", s.vcpus * 2048}, {"vcpus", s.vcpus},
            {"region", "iad1"},     {"runtime", s.runtime},     {"timeout", s.timeout},
            {"status", s.status},   {"requestedAt", s.created_at}, {"startedAt", s.created_at + 1},
            {"createdAt", s.created_at}, {"updatedAt", s.created_at}, {"cwd", "/vercel/sandbox"}};
  if (s.status == "stopped") j["stoppedAt"] = s.created_at + 2;
  return j;
}

json RouteList(const VercelSandbox& s) {
  json routes = json::array();
  for (int p : s.ports) {
    std::string sub = "sb-" + s.id + "-" + std::to_string(p);
    routes.push_back({{"url", "https://" + sub + ".vercel.run"}, {"subdomain", sub}, {"port", p}});
  }
  return routes;
}

// Entries of a gzip'd tar: name -> content.
std::optional<std::map<std::string, std::string>> Untar(const std::string& gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return std::nullopt;
  std::string tar;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return std::nullopt;
    }
    tar.append(buf, sizeof buf - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  std::map<std::string, std::string> out;
  for (size_t pos = 0; pos + 512 <= tar.size();) {
    const char* h = tar.data() + pos;
    if (h[0] == '\0') break;
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    size_t size = std::strtoull(std::string(h + 124, 12).c_str(), nullptr, 8);
    if (pos + 512 + size > tar.size()) return std::nullopt;
    if (h[156] == '0' || h[156] == '\0') out[name] = tar.substr(pos + 512, size);
    pos += 512 + (size + 511) / 512 * 512;
  }
  return out;
}

}  // namespace

VercelFake::VercelFake(std::string token, std::string team) : token_(std::move(token)), team_(std::move(team)) {
  exec = [](VercelSandbox& s, const std::vector<std::string>& argv) {
    ExecOutput o;
    std::string script = argv.empty() ? "" : argv.back();
    if (script.find("tail -n") != std::string::npos) {
      o.stdout_text = s.files["/tmp/.sesame/session.log"];
      o.hang = true;
    } else if (!argv.empty() && argv[0] == "echo") {
      for (size_t i = 1; i < argv.size(); ++i) o.stdout_text += (i > 1 ? " " : "") + argv[i];
      o.stdout_text += "\n";
    }
    return o;
  };
  Routes();
}

std::vector<VercelSandbox> VercelFake::sandboxes() const {
  MutexLock lock(state_mu_);
  std::vector<VercelSandbox> out;
  for (const auto& [id, s] : sandboxes_) out.push_back(s);
  return out;
}

std::optional<VercelSandbox> VercelFake::sandbox(const std::string& id) const {
  MutexLock lock(state_mu_);
  auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) return std::nullopt;
  return it->second;
}

std::string VercelFake::Add(VercelSandbox s) {
  MutexLock lock(state_mu_);
  s.id = "sbx_" + std::to_string(1000 + next_id_++);
  long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      Clock::Real().Now().time_since_epoch()).count();
  clock_ms_ = std::max(clock_ms_ + 1, now);
  if (s.created_at == 0) s.created_at = clock_ms_;
  sandboxes_[s.id] = s;
  return s.id;
}

void VercelFake::SetFile(const std::string& id, const std::string& path, const std::string& content) {
  MutexLock lock(state_mu_);
  sandboxes_[id].files[path] = content;
}

void VercelFake::Routes() {
  auto authed = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer " + token_) {
      Error(res, 401, "unauthorized", "The request is missing an authentication token");
      return false;
    }
    if (!team_.empty() && req.get_param_value("teamId") != team_) {
      Error(res, 403, "forbidden", "Not authorized");
      return false;
    }
    return true;
  };
  // The sandbox of matches[1], or an error answered. Called with state_mu_ held.
  auto find = [this](const httplib::Request& req, httplib::Response& res) -> VercelSandbox* {
    state_mu_.AssertHeld();
    auto it = sandboxes_.find(req.matches[1]);
    if (it == sandboxes_.end()) {
      Error(res, 404, "not_found", "Sandbox not found");
      return nullptr;
    }
    return &it->second;
  };
  server().Post("/v1/sandboxes", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) return Error(res, 400, "bad_request", "Invalid JSON");
    if (!b.contains("projectId") || !b["projectId"].is_string()) return Error(res, 400, "bad_request", "projectId is required");
    VercelSandbox s;
    s.project = b["projectId"];
    s.runtime = b.value("runtime", "node24");
    if (s.runtime != "node22" && s.runtime != "node24" && s.runtime != "python3.13") {
      return Error(res, 400, "bad_request", "Invalid runtime: " + s.runtime);
    }
    s.ports = b.value("ports", std::vector<int>{});
    if (s.ports.size() > 4) return Error(res, 400, "bad_request", "ports must NOT have more than 4 items");
    s.timeout = b.value("timeout", 300000LL);
    if (b.contains("resources")) s.vcpus = b["resources"].value("vcpus", 2);
    s.env = b.value("env", std::map<std::string, std::string>{});
    std::string id = Add(s);
    auto created = sandbox(id);
    res.set_content(json{{"sandbox", ToJson(*created)}, {"routes", RouteList(*created)}}.dump(), "application/json");
  });
  server().Get("/v1/sandboxes", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    std::string project = req.get_param_value("project");
    size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 50;
    long long since = req.has_param("since") ? std::stoll(req.get_param_value("since")) : 0;
    long long until = req.has_param("until") ? std::stoll(req.get_param_value("until")) : LLONG_MAX;
    std::vector<VercelSandbox> all;
    for (const auto& s : sandboxes()) {
      if (s.project == project && s.created_at >= since && s.created_at < until) all.push_back(s);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    json items = json::array();
    for (size_t i = 0; i < all.size() && i < limit; ++i) items.push_back(ToJson(all[i]));
    json next = all.size() > limit ? json(all[limit - 1].created_at) : json(nullptr);
    res.set_content(json{{"sandboxes", items},
                         {"pagination", {{"count", items.size()}, {"next", next}, {"prev", nullptr}}}}
                        .dump(),
                    "application/json");
  });
  server().Get(R"(/v1/sandboxes/([^/]+))", [this, authed, find](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    VercelSandbox* s = find(req, res);
    if (!s) return;
    res.set_content(json{{"sandbox", ToJson(*s)}, {"routes", RouteList(*s)}}.dump(), "application/json");
  });
  server().Post(R"(/v1/sandboxes/([^/]+)/(stop|extend-timeout))", [this, authed, find](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    VercelSandbox* s = find(req, res);
    if (!s) return;
    if (s->status == "stopped") return Error(res, 410, "sandbox_stopped", "Sandbox has been stopped");
    if (req.matches[2] == "stop") {
      s->status = "stopped";
    } else {
      json b = json::parse(req.body, nullptr, false);
      if (!b.is_object() || !b.contains("duration") || !b["duration"].is_number() || b["duration"].get<long long>() < 1000) {
        return Error(res, 400, "bad_request", "duration must be >= 1000");
      }
      s->timeout += b["duration"].get<long long>();
    }
    res.set_content(json{{"sandbox", ToJson(*s)}}.dump(), "application/json");
  });
  server().Post(R"(/v1/sandboxes/([^/]+)/cmd)", [this, authed, find](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    VercelSandbox* s = find(req, res);
    if (!s) return;
    if (s->status == "stopped") return Error(res, 410, "sandbox_stopped", "Sandbox has been stopped");
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || !b.contains("command") || !b["command"].is_string()) {
      return Error(res, 400, "bad_request", "command is required");
    }
    std::vector<std::string> argv = {b["command"]};
    for (const auto& a : b.value("args", std::vector<std::string>{})) argv.push_back(a);
    s->commands.push_back(argv);
    std::string cid = "cmd_" + std::to_string(commands_.size() + 1);
    commands_[cid] = {s->id, argv, exec(*s, argv)};
    res.set_content(json{{"command", {{"id", cid}, {"name", argv[0]}, {"args", b.value("args", json::array())},
                                      {"cwd", "/vercel/sandbox"}, {"sandboxId", s->id}, {"exitCode", nullptr},
                                      {"startedAt", clock_ms_}}}}.dump(),
                    "application/json");
  });
  server().Get(R"(/v1/sandboxes/([^/]+)/cmd/([^/]+)/logs)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    Command c;
    {
      MutexLock lock(state_mu_);
      auto it = commands_.find(req.matches[2]);
      if (it == commands_.end()) return Error(res, 404, "not_found", "Command not found");
      c = it->second;
    }
    std::string body;
    auto emit = [&](const char* stream, const std::string& text) {
      // Several lines per stream, each valid UTF-8 (data is a JSON string).
      for (size_t i = 0; i < text.size();) {
        size_t n = std::min<size_t>(4, text.size() - i);
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
        body += json{{"stream", stream}, {"data", text.substr(i, n)}}.dump() + "\n";
        i += n;
      }
    };
    emit("stdout", c.output.stdout_text);
    emit("stderr", c.output.stderr_text);
    size_t chunk = chunk_size == 0 ? body.size() + 1 : chunk_size;
    bool hang = c.output.hang;
    res.set_chunked_content_provider("application/x-ndjson", [this, body, chunk, hang](size_t, httplib::DataSink& sink) {
      for (size_t i = 0; i < body.size(); i += chunk) {
        if (!sink.write(body.data() + i, std::min(chunk, body.size() - i))) return false;
      }
      while (hang && sink.is_writable() && !stopping()) Sleep(std::chrono::milliseconds(20));
      sink.done();
      return true;
    });
  });
  server().Get(R"(/v1/sandboxes/([^/]+)/cmd/([^/]+))", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    auto it = commands_.find(req.matches[2]);
    if (it == commands_.end()) return Error(res, 404, "not_found", "Command not found");
    json exit = req.get_param_value("wait") == "true" ? json(it->second.output.exit_code) : json(nullptr);
    res.set_content(json{{"command", {{"id", it->first}, {"name", it->second.argv[0]}, {"sandboxId", it->second.sandbox_id},
                                      {"exitCode", exit}}}}.dump(),
                    "application/json");
  });
  server().Post(R"(/v1/sandboxes/([^/]+)/(cmd_[^/]+)/kill)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    auto it = commands_.find(req.matches[2]);
    if (it == commands_.end()) return Error(res, 404, "not_found", "Command not found");
    res.set_content(json{{"command", {{"id", it->first}, {"exitCode", 143}}}}.dump(), "application/json");
  });
  server().Post(R"(/v1/sandboxes/([^/]+)/fs/read)", [this, authed, find](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    VercelSandbox* s = find(req, res);
    if (!s) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || !b.contains("path")) return Error(res, 400, "bad_request", "path is required");
    // A relative path is read against `cwd`, as the API does.
    std::string path = b["path"];
    if (!path.starts_with("/") && b.contains("cwd")) path = b["cwd"].get<std::string>() + "/" + path;
    auto it = s->files.find(path);
    if (it == s->files.end()) return Error(res, 404, "file_not_found", "File not found");
    res.set_content(it->second, "application/octet-stream");
  });
  server().Post(R"(/v1/sandboxes/([^/]+)/fs/write)", [this, authed, find](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    if (req.get_header_value("Content-Type") != "application/gzip") {
      return Error(res, 400, "bad_request", "expected application/gzip");
    }
    auto entries = Untar(req.body);
    if (!entries) return Error(res, 400, "bad_request", "invalid tar.gz");
    std::string cwd = req.has_header("x-cwd") ? req.get_header_value("x-cwd") : "/vercel/sandbox";
    if (cwd.back() != '/') cwd += "/";
    MutexLock lock(state_mu_);
    VercelSandbox* s = find(req, res);
    if (!s) return;
    for (const auto& [name, content] : *entries) s->files[cwd + name] = content;
    res.set_content("{}", "application/json");
  });
}

}  // namespace sesame::fakes
