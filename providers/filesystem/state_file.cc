#include "providers/filesystem/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sesame::providers::filesystem {
namespace {

using nlohmann::json;

json OptionalInt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::optional<int64_t> ReadOptionalInt(const json& j, const char* name) {
  if (!j.contains(name) || j[name].is_null()) return std::nullopt;
  return j[name].get<int64_t>();
}

json TimeJson(const std::optional<Time>& t) { return t ? json(FormatTime(*t, true)) : json(nullptr); }

std::optional<Time> ReadTime(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) return std::nullopt;
  return ParseTime(j[name].get<std::string>());
}

json ProcessJson(const ProcessId& p) { return {{"pid", p.pid}, {"start_ticks", p.start_ticks}}; }

ProcessId ReadProcess(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_object()) return {};
  return {j[name].value("pid", 0), j[name].value("start_ticks", uint64_t{0})};
}

json ToJson(const SandboxState& s) {
  json j;
  j["version"] = 1;
  j["uid"] = s.uid;
  j["key"] = {{"kind", s.key.kind}, {"namespace", s.key.namespace_}, {"name", s.key.name}};
  j["workspace"] = s.workspace;
  j["workspace_created"] = s.workspace_created;
  j["command"] = s.command;
  j["env_names"] = s.env_names;
  j["stdin"] = s.stdin_open;
  j["ports"] = s.ports;
  j["limits"] = {{"cpu_milli", OptionalInt(s.limits.cpu_milli)},
                 {"memory_bytes", OptionalInt(s.limits.memory_bytes)},
                 {"pids", OptionalInt(s.limits.pids)},
                 {"disk_bytes", OptionalInt(s.limits.disk_bytes)}};
  j["field_hashes"] = s.field_hashes;
  j["suspended"] = s.suspended;
  j["restarts"] = s.restarts;
  j["runLogOffset"] = s.run_log_offset;
  j["supervisor"] = ProcessJson(s.supervisor);
  j["child"] = ProcessJson(s.child);
  j["cgroup"] = s.cgroup;
  j["started_at"] = TimeJson(s.started_at);
  j["finished_at"] = TimeJson(s.finished_at);
  j["exit_code"] = s.exit_code ? json(*s.exit_code) : json(nullptr);
  j["message"] = s.message;
  if (s.policy) j["security"] = json::parse(security::EncodePolicy(*s.policy));
  j["sandbox_init"] = ProcessJson(s.sandbox_init);
  j["sandbox_home"] = s.sandbox_home;
  j["security_message"] = s.security_message;
  j["security_backend"] = s.security_backend;
  j["bwrap_path"] = s.bwrap_path;
  json ports = json::object();
  for (const auto& [inside, host] : s.port_map) ports[std::to_string(inside)] = host;
  j["port_map"] = ports;
  j["runtimes_auto"] = s.runtimes_auto;
  j["install_dependencies"] = s.install_dependencies;
  j["mise_path"] = s.mise_path;
  j["installed_tools_hash"] = s.installed_tools_hash;
  j["installed_lock_hash"] = s.installed_lock_hash;
  j["runtime_phase"] = s.runtime_phase;
  j["runtime_reason"] = s.runtime_reason;
  j["runtime_message"] = s.runtime_message;
  j["runtime_exec_prefix"] = s.runtime_exec_prefix;
  return j;
}

SandboxState FromJson(const json& j) {
  SandboxState s;
  s.uid = j.at("uid").get<std::string>();
  const json& key = j.at("key");
  s.key = {key.value("kind", ""), key.value("namespace", ""), key.value("name", "")};
  s.workspace = j.value("workspace", "");
  s.workspace_created = j.value("workspace_created", false);
  s.command = j.value("command", std::vector<std::string>{});
  s.env_names = j.value("env_names", std::vector<std::string>{});
  s.stdin_open = j.value("stdin", false);
  s.ports = j.value("ports", std::vector<int>{});
  if (j.contains("limits")) {
    const json& l = j["limits"];
    s.limits = {ReadOptionalInt(l, "cpu_milli"), ReadOptionalInt(l, "memory_bytes"),
                ReadOptionalInt(l, "pids"), ReadOptionalInt(l, "disk_bytes")};
  }
  s.field_hashes = j.value("field_hashes", std::map<std::string, std::string>{});
  s.suspended = j.value("suspended", false);
  s.restarts = j.value("restarts", 0);
  s.run_log_offset = j.value("runLogOffset", int64_t{0});
  s.supervisor = ReadProcess(j, "supervisor");
  s.child = ReadProcess(j, "child");
  s.cgroup = j.value("cgroup", "");
  s.started_at = ReadTime(j, "started_at");
  s.finished_at = ReadTime(j, "finished_at");
  if (auto code = ReadOptionalInt(j, "exit_code")) s.exit_code = static_cast<int>(*code);
  s.message = j.value("message", "");
  if (j.contains("security") && j["security"].is_object()) {
    auto policy = security::DecodePolicy(j["security"].dump());
    if (policy.ok()) s.policy = *policy;
  }
  s.sandbox_init = ReadProcess(j, "sandbox_init");
  s.sandbox_home = j.value("sandbox_home", "");
  s.security_message = j.value("security_message", "");
  s.security_backend = j.value("security_backend", "");
  s.bwrap_path = j.value("bwrap_path", "");
  if (j.contains("port_map") && j["port_map"].is_object()) {
    for (const auto& [inside, host] : j["port_map"].items()) s.port_map[std::stoi(inside)] = host.get<int>();
  }
  s.runtimes_auto = j.value("runtimes_auto", false);
  s.install_dependencies = j.value("install_dependencies", true);
  s.mise_path = j.value("mise_path", "");
  s.installed_tools_hash = j.value("installed_tools_hash", "");
  s.installed_lock_hash = j.value("installed_lock_hash", "");
  s.runtime_phase = j.value("runtime_phase", "");
  s.runtime_reason = j.value("runtime_reason", "");
  s.runtime_message = j.value("runtime_message", "");
  s.runtime_exec_prefix = j.value("runtime_exec_prefix", std::vector<std::string>{});
  return s;
}

}  // namespace

StateLock::StateLock(const std::string& dir) {
  fd_ = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ >= 0) {
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<SandboxState> LoadStateUnlocked(const std::string& dir) {
  std::ifstream in(dir + "/" + kStateFile);
  if (!in) return NotFoundError(dir + "/" + kStateFile + ": no such file");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return NotFoundError(dir + "/" + kStateFile + ": empty");
  try {
    return FromJson(json::parse(text.str()));
  } catch (const json::exception& e) {
    return InternalError(dir + "/" + kStateFile + ": " + e.what());
  }
}

Status StoreStateUnlocked(const std::string& dir, const SandboxState& state, UniqueFd* unsynced) {
  std::string path = dir + "/" + kStateFile;
  std::string temp = path + ".tmp";
  std::string text = ToJson(state).dump(2) + "\n";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return InternalError(temp + ": " + std::strerror(errno));
  UniqueFd file(fd);
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = written && (unsynced != nullptr || ::fsync(fd) == 0);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::string error = std::strerror(errno);
    ::unlink(temp.c_str());
    return InternalError(path + ": " + error);
  }
  if (unsynced != nullptr) *unsynced = std::move(file);
  return Status::Ok();
}

Result<SandboxState> LoadState(const std::string& dir) {
  // Writers replace the file by rename, so a reader needs no lock (and must
  // not create the lock file in a directory that Delete is removing).
  return LoadStateUnlocked(dir);
}

Status StoreState(const std::string& dir, const SandboxState& state, UniqueFd* unsynced) {
  StateLock lock(dir);
  return StoreStateUnlocked(dir, state, unsynced);
}

}  // namespace sesame::providers::filesystem
