#include "providers/docker/guard_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/unique_fd.h"

namespace sesame::providers::docker {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text << "\n";
    if (!out) return InternalError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return InternalError("cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

std::optional<json> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key) || !j[key].is_array()) return out;
  for (const auto& v : j[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::string GuardRoot(const std::string& state_root) { return state_root + "/sandboxes"; }

GuardPaths GuardPathsFor(const std::string& state_root, const std::string& uid) {
  return {GuardRoot(state_root) + "/" + uid};
}

Status PrepareGuardDir(const GuardPaths& paths, const GuardConfig& config) {
  std::error_code ec;
  fs::create_directories(paths.gate_dir(), ec);
  if (ec) return InternalError("cannot create " + paths.gate_dir() + ": " + ec.message());
  // Readable by the container's user, whoever that is; only the guard
  // writes to the gate (a write from inside only opens its own gate).
  ::chmod(paths.gate_dir().c_str(), 0755);
  // The container's user, whoever that is, reads the gate and the ack and
  // writes `installed`.
  for (const auto& [fifo, mode] : {std::pair{paths.gate(), 0644}, std::pair{paths.installed(), 0622},
                                   std::pair{paths.installed_ack(), 0644}}) {
    if (::mkfifo(fifo.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
      return InternalError("cannot create the FIFO " + fifo + ": " + std::strerror(errno));
    }
    ::chmod(fifo.c_str(), static_cast<mode_t>(mode));
  }
  json j = {{"uid", config.uid},
            {"kind", config.key.kind},
            {"namespace", config.key.namespace_},
            {"name", config.key.name},
            {"allowedDomains", config.network.allowed_domains},
            {"deniedDomains", config.network.denied_domains},
            {"ports", config.ports},
            {"installDomains", config.install_domains}};
  return WriteAtomically(paths.config(), j.dump());
}

Result<GuardConfig> ReadGuardConfig(const GuardPaths& paths) {
  std::optional<json> j = ReadJson(paths.config());
  if (!j) return NotFoundError("no readable " + paths.config());
  GuardConfig c;
  c.uid = j->value("uid", "");
  c.key = {j->value("kind", "Sandbox"), j->value("namespace", ""), j->value("name", "")};
  c.network.allowed_domains = Strings(*j, "allowedDomains");
  c.network.denied_domains = Strings(*j, "deniedDomains");
  c.install_domains = Strings(*j, "installDomains");
  if (j->contains("ports") && (*j)["ports"].is_array()) {
    for (const auto& p : (*j)["ports"]) {
      if (p.is_number_integer()) c.ports.push_back(p.get<int>());
    }
  }
  return c;
}

Status WriteGuardState(const GuardPaths& paths, const GuardState& state) {
  json ports = json::object();
  for (const auto& [inside, host] : state.host_ports) ports[std::to_string(inside)] = host;
  json j = {{"guardPid", state.guard_pid}, {"containerPid", state.container_pid}, {"ports", ports}};
  return WriteAtomically(paths.state(), j.dump());
}

std::optional<GuardState> ReadGuardState(const GuardPaths& paths) {
  std::optional<json> j = ReadJson(paths.state());
  if (!j) return std::nullopt;
  GuardState s;
  s.guard_pid = j->value("guardPid", 0);
  s.container_pid = j->value("containerPid", 0);
  if (j->contains("ports") && (*j)["ports"].is_object()) {
    for (const auto& [inside, host] : (*j)["ports"].items()) {
      if (host.is_number_integer()) s.host_ports[std::atoi(inside.c_str())] = host.get<int>();
    }
  }
  return s;
}

bool GuardRunning(const GuardPaths& paths) {
  UniqueFd fd(::open(paths.lock().c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return false;  // released on close
  return errno == EWOULDBLOCK;
}

}  // namespace sesame::providers::docker
