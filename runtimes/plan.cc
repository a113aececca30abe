#include "runtimes/plan.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sesame::runtimes {
namespace {

std::string Join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

}  // namespace

bool Plan::NeedsMise() const {
  if (!tools.empty()) return true;
  return std::any_of(config_files.begin(), config_files.end(), [](const std::string& f) {
    return f.find("mise") != std::string::npos;
  });
}

std::vector<std::string> Plan::Registries() const {
  std::set<std::string> all;
  for (const DependencyInstall& d : installs) all.insert(d.registries.begin(), d.registries.end());
  return {all.begin(), all.end()};
}

std::vector<std::string> MiseDownloadDomains(const std::string& tool) {
  // Version lists and most backends (aqua, ubi, github: and the core
  // plugins' prebuilt releases) come from GitHub.
  std::vector<std::string> d = {"mise-versions.jdx.dev", "mise.jdx.dev", "github.com",
                                "api.github.com", "objects.githubusercontent.com",
                                "release-assets.githubusercontent.com"};
  std::string t = tool.substr(0, tool.find(':'));
  if (t == "node" || t == "nodejs") d.push_back("nodejs.org");
  if (t == "go" || t == "golang") d.insert(d.end(), {"go.dev", "dl.google.com"});
  if (t == "ruby") d.push_back("cache.ruby-lang.org");
  if (t == "rust") d.insert(d.end(), {"static.rust-lang.org", "sh.rustup.rs"});
  if (t == "java") d.insert(d.end(), {"api.adoptium.net", "download.java.net"});
  if (t == "npm" || t == "pnpm" || t == "yarn" || t == "bun") d.push_back("registry.npmjs.org");
  if (t == "pipx" || t == "python") d.insert(d.end(), {"pypi.org", "files.pythonhosted.org"});
  if (t == "cargo") d.insert(d.end(), {"index.crates.io", "static.crates.io"});
  return d;
}

uint64_t Fnv1a(std::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string HexHash(uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::string FormatPlan(const Plan& p) {
  std::ostringstream out;
  out << "Workspace: " << p.workspace << "\n";
  if (p.tools.empty()) {
    out << "Tools: none declared\n";
  } else {
    out << "Tools (mise install):\n";
    size_t width = 4;
    for (const ToolVersion& t : p.tools) width = std::max(width, t.tool.size());
    for (const ToolVersion& t : p.tools) {
      out << "  " << t.tool << std::string(width - t.tool.size() + 2, ' ') << t.version
          << "  (" << t.source << ")\n";
    }
  }
  if (!p.members.empty()) out << "Monorepo members: " << Join(p.members, ", ") << "\n";
  if (p.installs.empty()) {
    out << "Dependencies: no lockfile found\n";
  } else {
    out << "Dependencies (in order, through mise exec):\n";
    int n = 0;
    for (const DependencyInstall& d : p.installs) {
      out << "  " << ++n << ". " << Join(d.command) << "  in " << d.dir << "  (" << d.lockfile
          << ")\n";
    }
  }
  std::vector<std::string> registries = p.Registries();
  if (!registries.empty()) out << "Registries (install step only): " << Join(registries, ", ") << "\n";
  for (const std::string& w : p.warnings) out << "Warning: " << w << "\n";
  return out.str();
}

std::string PlanToJson(const Plan& p) {
  nlohmann::json j;
  j["workspace"] = p.workspace;
  j["tools"] = nlohmann::json::array();
  for (const ToolVersion& t : p.tools) {
    j["tools"].push_back({{"tool", t.tool}, {"version", t.version}, {"source", t.source}});
  }
  j["configFiles"] = p.config_files;
  j["members"] = p.members;
  j["installs"] = nlohmann::json::array();
  for (const DependencyInstall& d : p.installs) {
    nlohmann::json env = nlohmann::json::object();
    for (const auto& [k, v] : d.env) env[k] = v;
    j["installs"].push_back({{"dir", d.dir},
                             {"ecosystem", d.ecosystem},
                             {"command", d.command},
                             {"env", env},
                             {"lockfile", d.lockfile},
                             {"reason", d.reason},
                             {"registries", d.registries}});
  }
  j["registries"] = p.Registries();
  j["warnings"] = p.warnings;
  j["toolsHash"] = p.tools_hash;
  j["lockHash"] = p.lock_hash;
  return j.dump(2) + "\n";
}

}  // namespace sesame::runtimes
