// DetectPlan: reads the workspace root, then the member directories that
// its workspace files name (workspaces.h), and nothing else.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "runtimes/lockfiles.h"
#include "runtimes/plan.h"
#include "runtimes/version_files.h"
#include "runtimes/workspaces.h"

namespace sesame::runtimes {
namespace {

// Highest precedence first, as mise orders one directory's files: its own
// config files, then .tool-versions, then other tools' version files.
constexpr const char* kVersionFiles[] = {
    "mise.local.toml", ".mise.local.toml", "mise.toml",      ".mise.toml",
    ".config/mise.toml", ".config/mise/config.toml", "mise/config.toml", ".mise/config.toml",
    ".tool-versions",  ".nvmrc",          ".node-version",  ".python-version",
    ".ruby-version",   ".go-version",
};

std::string ReadPrefix(const std::string& path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buf[65536];
  while (out.size() < limit) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, limit - out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::set<std::string> ListNames(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = ::readdir(d)) names.insert(e->d_name);
  ::closedir(d);
  return names;
}

std::string Abs(const std::string& root, const std::string& rel) {
  return rel == "." ? root : root + "/" + rel;
}

bool Exists(const std::string& root, const std::set<std::string>& names, const std::string& rel) {
  size_t slash = rel.find('/');
  if (slash == std::string::npos) return names.count(rel) > 0;
  if (!names.count(rel.substr(0, slash))) return false;
  struct stat st{};
  return ::stat((root + "/" + rel).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string FileName(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

void ReadTools(const std::string& root, const std::set<std::string>& names, Plan& plan) {
  std::map<std::string, std::string> decided;  // tool -> the file that decided it
  uint64_t hash = Fnv1a("tools");
  for (const char* file : kVersionFiles) {
    if (!Exists(root, names, file)) continue;
    std::string content = ReadPrefix(root + "/" + file, 1 << 20);
    hash = Fnv1a(content, Fnv1a(file, hash));
    plan.config_files.push_back(file);
    std::string kind = VersionFileKind(FileName(file));
    for (ToolVersion& t : ParseVersionFile(kind, file, content, plan.warnings)) {
      auto it = decided.find(t.tool);
      if (it == decided.end()) {
        decided[t.tool] = file;
      } else if (it->second != file) {
        plan.warnings.push_back(t.source + ": " + t.tool + " " + t.version + " is overridden by " +
                                it->second);
        continue;
      }
      plan.tools.push_back(std::move(t));
    }
  }
  plan.tools_hash = plan.config_files.empty() ? "" : HexHash(hash);
}

std::vector<std::string> MemberPatterns(const std::string& root, const std::set<std::string>& names) {
  std::vector<std::string> patterns;
  auto add = [&](std::vector<std::string> more) {
    patterns.insert(patterns.end(), more.begin(), more.end());
  };
  if (names.count("package.json")) add(PackageJsonWorkspaces(ReadPrefix(root + "/package.json", 1 << 20)));
  if (names.count("pnpm-workspace.yaml")) {
    add(PnpmWorkspacePackages(ReadPrefix(root + "/pnpm-workspace.yaml", 1 << 20)));
  }
  if (names.count("Cargo.toml")) add(CargoWorkspaceMembers(ReadPrefix(root + "/Cargo.toml", 1 << 20)));
  if (names.count("go.work")) add(GoWorkUses(ReadPrefix(root + "/go.work", 1 << 20)));
  return patterns;
}

uint64_t HashInstall(const std::string& root, const DependencyInstall& d, uint64_t seed) {
  uint64_t h = Fnv1a(d.dir, seed);
  for (const std::string& arg : d.command) h = Fnv1a(arg + '\0', h);
  h = Fnv1a(d.lockfile, h);
  return Fnv1a(ReadPrefix(root + "/" + d.lockfile, SIZE_MAX), h);
}

}  // namespace

Result<Plan> DetectPlan(const std::string& workspace, const DetectOptions& options) {
  struct stat st{};
  if (::stat(workspace.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return NotFoundError("workspace " + workspace + " is not a directory");
  }
  Plan plan;
  plan.workspace = workspace;
  std::set<std::string> root_names = ListNames(workspace);
  ReadTools(workspace, root_names, plan);

  plan.members = ExpandMembers(workspace, MemberPatterns(workspace, root_names),
                               options.max_members, options.max_glob_depth);
  bool root_yarnrc = root_names.count(".yarnrc.yml") || root_names.count(".yarnrc.yaml");
  std::vector<std::string> dirs = {"."};
  dirs.insert(dirs.end(), plan.members.begin(), plan.members.end());
  uint64_t hash = Fnv1a("locks");
  for (const std::string& dir : dirs) {
    std::string abs = Abs(workspace, dir);
    DirectoryFacts facts;
    facts.dir = dir;
    facts.names = dir == "." ? root_names : ListNames(abs);
    facts.read = [&abs](const std::string& name, size_t limit) {
      return ReadPrefix(abs + "/" + name, limit);
    };
    facts.root_has_yarnrc = root_yarnrc;
    for (DependencyInstall& d : InstallsFor(facts, plan.warnings)) {
      hash = HashInstall(workspace, d, hash);
      plan.installs.push_back(std::move(d));
    }
  }
  plan.lock_hash = plan.installs.empty() ? "" : HexHash(hash);
  return plan;
}

}  // namespace sesame::runtimes
