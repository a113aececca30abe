#include "runtimes/lockfiles.h"

#include <map>

#include <nlohmann/json.hpp>

#include "runtimes/text.h"

namespace sesame::runtimes {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

std::string Rel(const std::string& dir, const std::string& name) {
  return dir == "." ? name : dir + "/" + name;
}

// "yarn@4.1.0" -> "yarn", 4; from package.json's packageManager.
struct PackageManager {
  std::string name;
  int major = 0;
};

PackageManager PackageManagerOf(const DirectoryFacts& f) {
  if (!f.names.count("package.json")) return {};
  std::string text = f.read("package.json", 1 << 20);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("packageManager") || !j["packageManager"].is_string()) return {};
  std::string pm = j["packageManager"].get<std::string>();
  size_t at = pm.find('@');
  PackageManager out{pm.substr(0, at), 0};
  if (at != std::string::npos) out.major = std::atoi(pm.c_str() + at + 1);
  return out;
}

DependencyInstall Make(const DirectoryFacts& f, const std::string& ecosystem,
                       const std::string& lockfile, std::vector<std::string> command,
                       Env env = {}) {
  DependencyInstall d;
  d.dir = f.dir;
  d.ecosystem = ecosystem;
  d.command = std::move(command);
  d.env = std::move(env);
  d.lockfile = Rel(f.dir, lockfile);
  d.reason = lockfile + " (" + ecosystem + ")";
  d.registries = RegistriesOf(ecosystem);
  return d;
}

// The node candidates present, in default priority order.
std::vector<DependencyInstall> NodeCandidates(const DirectoryFacts& f) {
  std::vector<DependencyInstall> c;
  const auto& n = f.names;
  if (n.count("pnpm-lock.yaml")) {
    c.push_back(Make(f, "pnpm", "pnpm-lock.yaml", {"pnpm", "install", "--frozen-lockfile"}));
  }
  for (const char* bun : {"bun.lock", "bun.lockb"}) {
    if (n.count(bun)) {
      c.push_back(Make(f, "bun", bun, {"bun", "install", "--frozen-lockfile"}));
      break;
    }
  }
  if (n.count("yarn.lock")) {
    bool berry = n.count(".yarnrc.yml") || n.count(".yarnrc.yaml") || f.root_has_yarnrc ||
                 IsBerryLockfile(f.read("yarn.lock", 4096));
    PackageManager pm = PackageManagerOf(f);
    if (pm.name == "yarn" && pm.major > 0) berry = pm.major >= 2;
    if (berry) {
      c.push_back(Make(f, "yarn-berry", "yarn.lock", {"yarn", "install", "--immutable"}));
    } else {
      c.push_back(Make(f, "yarn", "yarn.lock", {"yarn", "install", "--frozen-lockfile"}));
    }
  }
  for (const char* npm : {"package-lock.json", "npm-shrinkwrap.json"}) {
    if (n.count(npm)) {
      c.push_back(Make(f, "npm", npm, {"npm", "ci"}));
      break;
    }
  }
  return c;
}

std::vector<DependencyInstall> PythonCandidates(const DirectoryFacts& f) {
  std::vector<DependencyInstall> c;
  const auto& n = f.names;
  if (n.count("uv.lock")) c.push_back(Make(f, "uv", "uv.lock", {"uv", "sync", "--locked"}));
  if (n.count("poetry.lock")) {
    c.push_back(Make(f, "poetry", "poetry.lock",
                     {"poetry", "install", "--no-interaction", "--no-root"}));
  }
  if (n.count("Pipfile.lock")) {
    c.push_back(Make(f, "pipenv", "Pipfile.lock", {"pipenv", "install", "--deploy"},
                     {{"PIPENV_VENV_IN_PROJECT", "1"}}));
  }
  if (n.count("requirements.txt")) {
    c.push_back(Make(f, "pip", "requirements.txt",
                     {"sh", "-c",
                      "python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt"}));
  }
  return c;
}

// Keeps the first candidate (or the packageManager's), warns about the rest.
void PickOne(std::vector<DependencyInstall> candidates, const std::string& preferred,
             std::vector<DependencyInstall>& out, std::vector<std::string>& warnings) {
  if (candidates.empty()) return;
  size_t pick = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!preferred.empty() && StartsWith(candidates[i].ecosystem, preferred)) {
      pick = i;
      break;
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i == pick) continue;
    warnings.push_back(candidates[i].lockfile + ": ignored, " + candidates[pick].lockfile +
                       " decides how " + candidates[pick].dir + " installs");
  }
  out.push_back(std::move(candidates[pick]));
}

}  // namespace

bool IsBerryLockfile(std::string_view content) {
  // Berry lockfiles are YAML with a __metadata entry near the top; classic
  // ones say "# yarn lockfile v1".
  return content.find("__metadata:") != std::string_view::npos &&
         content.find("yarn lockfile v1") == std::string_view::npos;
}

std::vector<std::string> RegistriesOf(const std::string& e) {
  static const std::map<std::string, std::vector<std::string>> kRegistries = {
      {"npm", {"registry.npmjs.org"}},
      {"pnpm", {"registry.npmjs.org"}},
      {"yarn", {"registry.npmjs.org", "registry.yarnpkg.com"}},
      {"yarn-berry", {"registry.npmjs.org", "registry.yarnpkg.com", "repo.yarnpkg.com"}},
      {"bun", {"registry.npmjs.org"}},
      {"pip", {"pypi.org", "files.pythonhosted.org"}},
      {"uv", {"pypi.org", "files.pythonhosted.org"}},
      {"poetry", {"pypi.org", "files.pythonhosted.org"}},
      {"pipenv", {"pypi.org", "files.pythonhosted.org"}},
      {"bundler", {"rubygems.org", "index.rubygems.org"}},
      {"go", {"proxy.golang.org", "sum.golang.org"}},
      {"cargo", {"index.crates.io", "static.crates.io", "crates.io"}},
      {"composer", {"repo.packagist.org", "packagist.org", "codeload.github.com", "api.github.com"}},
  };
  auto it = kRegistries.find(e);
  return it == kRegistries.end() ? std::vector<std::string>{} : it->second;
}

std::vector<DependencyInstall> InstallsFor(const DirectoryFacts& f,
                                           std::vector<std::string>& warnings) {
  std::vector<DependencyInstall> out;
  PickOne(NodeCandidates(f), PackageManagerOf(f).name, out, warnings);
  PickOne(PythonCandidates(f), "", out, warnings);
  const auto& n = f.names;
  if (n.count("Gemfile.lock")) {
    out.push_back(Make(f, "bundler", "Gemfile.lock", {"bundle", "install"},
                       {{"BUNDLE_FROZEN", "true"}}));
  }
  if (n.count("go.sum")) out.push_back(Make(f, "go", "go.sum", {"go", "mod", "download"}));
  if (n.count("Cargo.lock")) out.push_back(Make(f, "cargo", "Cargo.lock", {"cargo", "fetch", "--locked"}));
  if (n.count("composer.lock")) {
    out.push_back(Make(f, "composer", "composer.lock",
                       {"composer", "install", "--no-interaction", "--no-scripts"}));
  }
  return out;
}

}  // namespace sesame::runtimes
