#include "tests/providers/fakes/daytona_fake.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "common/time.h"

namespace sesame::fakes {

using nlohmann::json;

namespace {

void ApiError(const httplib::Request& req, httplib::Response& res, int code, const std::string& error,
              const std::string& message) {
  res.status = code;
  res.set_content(json{{"path", req.path}, {"timestamp", FormatTime(Clock::Real().Now(), true)},
                       {"statusCode", code}, {"error", error}, {"message", message}}
                      .dump(),
                  "application/json");
}

void ToolboxError(const httplib::Request& req, httplib::Response& res, int code, const std::string& kind,
                  const std::string& message) {
  res.status = code;
  res.set_content(json{{"statusCode", code}, {"message", message}, {"code", kind},
                       {"timestamp", FormatTime(Clock::Real().Now())}, {"path", req.path},
                       {"method", req.method}}
                      .dump(),
                  "application/json");
}

}  // namespace

DaytonaFake::DaytonaFake(std::string api_key) : api_key_(std::move(api_key)) {
  exec = [](DaytonaSandbox&, const std::string& command) {
    ExecOutput o;
    o.stdout_text = "ran: " + command + "\n";
    return o;
  };
  Api();
  Toolbox();
}

std::vector<DaytonaSandbox> DaytonaFake::sandboxes() const {
  MutexLock lock(state_mu_);
  std::vector<DaytonaSandbox> out;
  for (const auto& [id, s] : sandboxes_) out.push_back(s);
  return out;
}

std::optional<DaytonaSandbox> DaytonaFake::sandbox(const std::string& id) const {
  MutexLock lock(state_mu_);
  auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) return std::nullopt;
  return it->second;
}

std::string DaytonaFake::Add(DaytonaSandbox s) {
  MutexLock lock(state_mu_);
  char buf[48];
  std::snprintf(buf, sizeof buf, "d%04d-5f2e-4c1a", next_id_++);
  s.id = buf;
  if (s.created_at.empty()) s.created_at = FormatTime(Clock::Real().Now(), true);
  sandboxes_[s.id] = s;
  return s.id;
}

void DaytonaFake::SetFile(const std::string& id, const std::string& path, const std::string& content) {
  MutexLock lock(state_mu_);
  sandboxes_[id].files[path] = content;
}

void DaytonaFake::Api() {
  auto authed = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer " + api_key_) {
      ApiError(req, res, 401, "Unauthorized", "Invalid API key");
      return false;
    }
    return true;
  };
  auto to_json = [this](const DaytonaSandbox& s) {
    return json{{"id", s.id}, {"organizationId", "org-1"}, {"name", s.id},
                {"snapshot", s.snapshot.empty() ? json(nullptr) : json(s.snapshot)},
                {"user", "daytona"}, {"env", s.env}, {"labels", s.labels}, {"public", false},
                {"networkBlockAll", false}, {"target", "us"}, {"cpu", s.cpu}, {"gpu", 0},
                {"memory", s.memory}, {"disk", s.disk}, {"state", s.state},
                {"desiredState", s.state == "stopped" ? "stopped" : "started"},
                {"autoStopInterval", s.auto_stop}, {"autoArchiveInterval", 10080},
                {"autoDeleteInterval", -1}, {"createdAt", s.created_at}, {"updatedAt", s.created_at},
                {"toolboxProxyUrl", url() + "/toolbox"}};
  };
  server().Post("/api/sandbox", [this, authed, to_json](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) return ApiError(req, res, 400, "Bad Request", "Invalid JSON body");
    bool snapshot = b.contains("snapshot"), build = b.contains("buildInfo");
    if (snapshot && build) return ApiError(req, res, 400, "Bad Request", "Cannot specify both snapshot and buildInfo");
    if (!build && (b.contains("cpu") || b.contains("memory") || b.contains("disk") || b.contains("gpu"))) {
      return ApiError(req, res, 400, "Bad Request", "Cannot specify Sandbox resources when using a snapshot");
    }
    if (snapshot && b["snapshot"] != "daytona-small") {
      return ApiError(req, res, 404, "Not Found", "Snapshot " + b["snapshot"].get<std::string>() + " not found");
    }
    DaytonaSandbox s;
    if (snapshot) s.snapshot = b["snapshot"];
    if (build) s.dockerfile = b["buildInfo"].value("dockerfileContent", "");
    s.labels = b.value("labels", std::map<std::string, std::string>{});
    s.env = b.value("env", std::map<std::string, std::string>{});
    s.cpu = b.value("cpu", 1);
    s.memory = b.value("memory", 1);
    s.disk = b.value("disk", 3);
    s.auto_stop = b.value("autoStopInterval", 15);
    s.state = build ? "pending_build" : "started";
    std::string id = Add(s);
    res.set_content(to_json(*sandbox(id)).dump(), "application/json");
  });
  server().Get("/api/sandbox", [this, authed, to_json](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    std::map<std::string, std::string> filter;
    if (req.has_param("labels")) {
      json l = json::parse(req.get_param_value("labels"), nullptr, false);
      if (!l.is_object()) return ApiError(req, res, 400, "Bad Request", "labels must be a JSON object");
      filter = l.get<std::map<std::string, std::string>>();
    }
    size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 100;
    if (limit < 1 || limit > 200) return ApiError(req, res, 400, "Bad Request", "limit must not be greater than 200");
    size_t offset = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
    std::vector<DaytonaSandbox> match;
    {
      MutexLock lock(state_mu_);
      for (auto& [id, s] : sandboxes_) {
        if (s.state == "pending_build") s.state = "started";  // builds finish by the next look
        bool ok = true;
        for (const auto& [k, v] : filter) {
          auto it = s.labels.find(k);
          if (it == s.labels.end() || it->second != v) ok = false;
        }
        if (ok) match.push_back(s);
      }
    }
    json items = json::array();
    for (size_t i = offset; i < match.size() && i < offset + limit; ++i) items.push_back(to_json(match[i]));
    json next = offset + limit < match.size() ? json(std::to_string(offset + limit)) : json(nullptr);
    res.set_content(json{{"items", items}, {"nextCursor", next}}.dump(), "application/json");
  });
  server().Get(R"(/api/sandbox/([^/]+))", [this, authed, to_json](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    auto s = sandbox(req.matches[1]);
    if (!s) return ApiError(req, res, 404, "Not Found", "Sandbox with ID or name " + std::string(req.matches[1]) + " not found");
    res.set_content(to_json(*s).dump(), "application/json");
  });
  server().Delete(R"(/api/sandbox/([^/]+))", [this, authed, to_json](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    MutexLock lock(state_mu_);
    auto it = sandboxes_.find(req.matches[1]);
    if (it == sandboxes_.end()) return ApiError(req, res, 404, "Not Found", "Sandbox with ID or name " + std::string(req.matches[1]) + " not found");
    it->second.state = "destroyed";
    json out = json{{"id", it->second.id}, {"state", "destroying"}};
    sandboxes_.erase(it);
    res.set_content(out.dump(), "application/json");
  });
  server().Post(R"(/api/sandbox/([^/]+)/(start|stop|resize|autostop/(\d+)))",
                [this, authed, to_json](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    std::string id = req.matches[1], op = req.matches[2];
    DaytonaSandbox copy;
    {
      MutexLock lock(state_mu_);
      auto it = sandboxes_.find(id);
      if (it == sandboxes_.end()) return ApiError(req, res, 404, "Not Found", "Sandbox with ID or name " + id + " not found");
      DaytonaSandbox& s = it->second;
      if (op == "start") {
        s.state = "started";
      } else if (op == "stop") {
        if (s.state != "started") return ApiError(req, res, 400, "Bad Request", "Sandbox is not started");
        s.state = "stopped";
      } else if (op == "resize") {
        json b = json::parse(req.body, nullptr, false);
        if (!b.is_object()) return ApiError(req, res, 400, "Bad Request", "Invalid JSON body");
        if (b.value("disk", s.disk) < s.disk) return ApiError(req, res, 400, "Bad Request", "Disk size can only be increased");
        s.cpu = b.value("cpu", s.cpu);
        s.memory = b.value("memory", s.memory);
        s.disk = b.value("disk", s.disk);
      } else {
        s.auto_stop = std::stoi(req.matches[3]);
        res.status = 201;
      }
      copy = s;
    }
    res.set_content(to_json(copy).dump(), "application/json");
  });
  server().Put(R"(/api/sandbox/([^/]+)/labels)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || !b.contains("labels")) return ApiError(req, res, 400, "Bad Request", "labels must be an object");
    MutexLock lock(state_mu_);
    auto it = sandboxes_.find(req.matches[1]);
    if (it == sandboxes_.end()) return ApiError(req, res, 404, "Not Found", "Sandbox not found");
    it->second.labels = b["labels"].get<std::map<std::string, std::string>>();
    res.set_content(json{{"labels", it->second.labels}}.dump(), "application/json");
  });
  server().Get(R"(/api/sandbox/([^/]+)/ports/(\d+)/preview-url)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (!authed(req, res)) return;
    std::string id = req.matches[1], port = req.matches[2];
    if (!sandbox(id)) return ApiError(req, res, 404, "Not Found", "Sandbox not found");
    res.set_content(json{{"sandboxId", id}, {"url", "https://" + port + "-" + id + ".proxy.daytona.works"},
                         {"token", "preview-token"}}.dump(), "application/json");
  });
}

void DaytonaFake::Toolbox() {
  auto authed = [this](const httplib::Request& req, httplib::Response& res) -> std::string {
    if (req.get_header_value("Authorization") != "Bearer " + api_key_) {
      ToolboxError(req, res, 401, "UNAUTHORIZED", "unauthorized");
      return "";
    }
    std::string id = req.matches[1];
    auto s = sandbox(id);
    if (!s || s->state != "started") {
      ToolboxError(req, res, 404, "NOT_FOUND", "sandbox " + id + " is not running");
      return "";
    }
    return id;
  };
  server().Post(R"(/toolbox/([^/]+)/process/execute)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    std::string id = authed(req, res);
    if (id.empty()) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || b.value("command", "").empty()) return ToolboxError(req, res, 400, "BAD_REQUEST", "command is required");
    MutexLock lock(state_mu_);
    sandboxes_[id].executed.push_back(b["command"]);
    res.set_content(json{{"exitCode", 0}, {"result", ""}}.dump(), "application/json");
  });
  server().Post(R"(/toolbox/([^/]+)/process/session)", [authed](const httplib::Request& req, httplib::Response& res) {
    if (authed(req, res).empty()) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || b.value("sessionId", "").empty()) return ToolboxError(req, res, 400, "BAD_REQUEST", "sessionId is required");
    res.status = 201;
  });
  server().Delete(R"(/toolbox/([^/]+)/process/session/([^/]+))", [authed](const httplib::Request& req, httplib::Response& res) {
    if (authed(req, res).empty()) return;
    res.status = 204;
  });
  server().Post(R"(/toolbox/([^/]+)/process/session/([^/]+)/exec)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    std::string id = authed(req, res);
    if (id.empty()) return;
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || b.value("command", "").empty()) return ToolboxError(req, res, 400, "BAD_REQUEST", "command is required");
    MutexLock lock(state_mu_);
    std::string cid = "cmd-" + std::to_string(commands_.size() + 1);
    commands_[cid] = {b["command"], exec(sandboxes_[id], b["command"]), 0};
    res.status = 202;
    res.set_content(json{{"cmdId", cid}}.dump(), "application/json");
  });
  server().Get(R"(/toolbox/([^/]+)/process/session/([^/]+)/command/([^/]+))", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (authed(req, res).empty()) return;
    MutexLock lock(state_mu_);
    auto it = commands_.find(req.matches[3]);
    if (it == commands_.end()) return ToolboxError(req, res, 404, "NOT_FOUND", "command not found");
    json c = {{"id", it->first}, {"command", it->second.command}};
    if (++it->second.polls > 1) c["exitCode"] = it->second.output.exit_code;  // finishes after a poll
    res.set_content(c.dump(), "application/json");
  });
  server().Get(R"(/toolbox/([^/]+)/process/session/([^/]+)/command/([^/]+)/logs)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    if (authed(req, res).empty()) return;
    MutexLock lock(state_mu_);
    auto it = commands_.find(req.matches[3]);
    if (it == commands_.end()) return ToolboxError(req, res, 404, "NOT_FOUND", "command not found");
    const ExecOutput& o = it->second.output;
    // Output appears in two halves: the client must emit only what is new.
    size_t n = it->second.polls > 1 ? std::string::npos : o.stdout_text.size() / 2;
    std::string out = o.stdout_text.substr(0, n), err = it->second.polls > 1 ? o.stderr_text : "";
    res.set_content(json{{"output", out + err}, {"stdout", out}, {"stderr", err}}.dump(), "application/json");
  });
  server().Get(R"(/toolbox/([^/]+)/files/download)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    std::string id = authed(req, res);
    if (id.empty()) return;
    MutexLock lock(state_mu_);
    auto& files = sandboxes_[id].files;
    auto it = files.find(req.get_param_value("path"));
    if (it == files.end()) return ToolboxError(req, res, 404, "NOT_FOUND", "file not found");
    res.set_content(it->second, "application/octet-stream");
  });
  server().Post(R"(/toolbox/([^/]+)/files/upload)", [this, authed](const httplib::Request& req, httplib::Response& res) {
    std::string id = authed(req, res);
    if (id.empty()) return;
    if (!req.has_file("file") || !req.has_param("path")) return ToolboxError(req, res, 400, "BAD_REQUEST", "file and path are required");
    MutexLock lock(state_mu_);
    sandboxes_[id].files[req.get_param_value("path")] = req.get_file_value("file").content;
    res.status = 200;
  });
}

}  // namespace sesame::fakes
