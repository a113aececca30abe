#include "security/policy.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "security/agent_presets.h"

namespace sesame::security {
namespace {

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

const std::vector<std::string>& DaemonSocketDirs() {
  static const std::vector<std::string> kDirs = {"/run", "/var/run"};
  return kDirs;
}

const std::vector<std::string>& DefaultDenyRead() {
  static const std::vector<std::string> kList = [] {
    std::vector<std::string> list = {
        "~/.ssh", "~/.aws", "~/.gnupg", "~/.azure", "~/.config/gcloud", "~/.kube", "~/.docker",
        "~/.config/gh", "~/.git-credentials", "~/.netrc", "~/.npmrc", "~/.pypirc",
        "~/.cargo/credentials", "~/.cargo/credentials.toml", "~/.gem/credentials",
        "~/.terraform.d", "~/.vault-token", "~/.password-store", "~/.local/share/keyrings"};
    list.insert(list.end(), DaemonSocketDirs().begin(), DaemonSocketDirs().end());
    return list;
  }();
  return kList;
}

const std::vector<std::string>& MandatoryProtectedNames() {
  static const std::vector<std::string> kNames = {
      ".git/hooks", ".git/config", ".gitmodules", ".gitconfig", ".bashrc", ".bash_profile",
      ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".envrc", ".ripgreprc",
      ".mcp.json", ".vscode", ".idea", ".claude", ".codex", ".gemini", ".sesame"};
  return kNames;
}

std::string NormalizePath(const std::string& path, const std::string& home,
                          const std::string& base) {
  if (path.empty()) return "";
  std::filesystem::path p;
  if (path == "~") {
    p = home;
  } else if (path.rfind("~/", 0) == 0) {
    p = std::filesystem::path(home) / path.substr(2);
  } else if (path[0] == '/') {
    p = path;
  } else {
    p = std::filesystem::path(base) / path;
  }
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool PathWithin(const std::string& path, const std::string& root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

SandboxPolicy ComputePolicy(const PolicyInput& in) {
  SandboxPolicy p;
  const specs::SandboxSpec& spec = *in.spec;
  p.ports = spec.ports;
  if (!in.admin.enabled) {
    p.disabled_reason = "DisabledByAdmin";
  } else if (spec.security.enabled && !*spec.security.enabled) {
    p.disabled_reason = "DisabledBySpec";
  }
  p.enabled = p.disabled_reason.empty();

  FilesystemPolicy& f = p.filesystem;
  f.workspace = NormalizePath(in.workspace, in.home, "/");
  f.home = NormalizePath(in.home.empty() ? "/root" : in.home, in.home, "/");
  auto norm = [&](const std::string& s) { return NormalizePath(s, f.home, f.workspace); };
  for (const std::string& d : DefaultDenyRead()) AddUnique(f.deny_read, norm(d));
  if (!in.sesame_home.empty()) AddUnique(f.deny_read, norm(in.sesame_home));
  for (const std::string& h : in.hidden) {
    std::string path = norm(h);
    if (!PathWithin(f.workspace, path) && !PathWithin(path, f.workspace)) AddUnique(f.deny_read, path);
  }
  for (const std::string& d : in.admin.deny_read) AddUnique(f.deny_read, norm(d));
  for (const std::string& d : spec.security.filesystem.deny_read) AddUnique(f.deny_read, norm(d));
  for (const std::string& w : spec.security.filesystem.allow_write) {
    std::string path = norm(w);
    // Deny wins: a writable path may not reopen anything denied, nor be
    // the root of the system.
    bool denied = path == "/" || std::any_of(f.deny_read.begin(), f.deny_read.end(),
                                             [&](const std::string& d) {
                                               return PathWithin(path, d);
                                             });
    if (!denied) AddUnique(f.allow_write, path);
  }
  for (const std::string& d : spec.security.filesystem.deny_write) AddUnique(f.deny_write, norm(d));
  f.protected_names = MandatoryProtectedNames();

  NetworkPolicy& n = p.network;
  for (const std::string& d : AgentPresetDomains(Lower(spec.agent))) AddUnique(n.allowed_domains, d);
  for (const std::string& d : in.admin.allowed_domains) AddUnique(n.allowed_domains, Lower(d));
  for (const std::string& d : spec.security.network.allowed_domains) AddUnique(n.allowed_domains, Lower(d));
  for (const std::string& d : in.admin.denied_domains) AddUnique(n.denied_domains, Lower(d));
  for (const std::string& d : spec.security.network.denied_domains) AddUnique(n.denied_domains, Lower(d));
  return p;
}

std::string EncodePolicy(const SandboxPolicy& p) {
  nlohmann::json j;
  j["enabled"] = p.enabled;
  j["disabledReason"] = p.disabled_reason;
  j["filesystem"] = {{"workspace", p.filesystem.workspace},
                     {"home", p.filesystem.home},
                     {"allowWrite", p.filesystem.allow_write},
                     {"denyRead", p.filesystem.deny_read},
                     {"denyWrite", p.filesystem.deny_write},
                     {"protectedNames", p.filesystem.protected_names}};
  j["network"] = {{"allowedDomains", p.network.allowed_domains},
                  {"deniedDomains", p.network.denied_domains}};
  j["ports"] = p.ports;
  return j.dump();
}

Result<SandboxPolicy> DecodePolicy(const std::string& text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    SandboxPolicy p;
    p.enabled = j.value("enabled", false);
    p.disabled_reason = j.value("disabledReason", "");
    const auto& f = j.at("filesystem");
    p.filesystem.workspace = f.value("workspace", "");
    p.filesystem.home = f.value("home", "");
    p.filesystem.allow_write = f.value("allowWrite", std::vector<std::string>{});
    p.filesystem.deny_read = f.value("denyRead", std::vector<std::string>{});
    p.filesystem.deny_write = f.value("denyWrite", std::vector<std::string>{});
    p.filesystem.protected_names = f.value("protectedNames", std::vector<std::string>{});
    const auto& n = j.at("network");
    p.network.allowed_domains = n.value("allowedDomains", std::vector<std::string>{});
    p.network.denied_domains = n.value("deniedDomains", std::vector<std::string>{});
    p.ports = j.value("ports", std::vector<int>{});
    return p;
  } catch (const nlohmann::json::exception& e) {
    return InvalidError(std::string("security policy: ") + e.what());
  }
}

}  // namespace sesame::security
