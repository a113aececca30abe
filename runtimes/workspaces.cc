#include "runtimes/workspaces.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "runtimes/text.h"

namespace sesame::runtimes {
namespace {

bool Skipped(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "node_modules";
}

bool HasMagic(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

std::vector<std::string> Subdirs(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (Skipped(name)) continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
      struct stat st{};
      is_dir = ::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir) out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool IsDir(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> Components(std::string_view pattern) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= pattern.size()) {
    size_t slash = pattern.find('/', pos);
    std::string_view part = pattern.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return parts;
}

struct Expander {
  const std::string& root;
  size_t max_members;
  int max_depth;
  std::set<std::string>& found;

  void Walk(const std::string& rel, const std::vector<std::string>& parts, size_t i, int depth) {
    if (found.size() >= max_members) return;
    std::string abs = rel.empty() ? root : root + "/" + rel;
    if (i == parts.size()) {
      if (!rel.empty()) found.insert(rel);
      return;
    }
    auto join = [&](const std::string& name) { return rel.empty() ? name : rel + "/" + name; };
    const std::string& part = parts[i];
    if (part == "..") return;  // members stay inside the workspace
    if (part == "**") {
      Walk(rel, parts, i + 1, depth);  // zero directories
      if (depth >= max_depth) return;
      for (const std::string& d : Subdirs(abs)) Walk(join(d), parts, i, depth + 1);
      return;
    }
    if (!HasMagic(part)) {
      if (!Skipped(part) && IsDir(abs + "/" + part)) Walk(join(part), parts, i + 1, depth);
      return;
    }
    for (const std::string& d : Subdirs(abs)) {
      if (::fnmatch(part.c_str(), d.c_str(), 0) == 0) Walk(join(d), parts, i + 1, depth);
    }
  }
};

}  // namespace

std::vector<std::string> PackageJsonWorkspaces(std::string_view content) {
  nlohmann::json j = nlohmann::json::parse(content, nullptr, false);
  if (!j.is_object() || !j.contains("workspaces")) return {};
  nlohmann::json w = j["workspaces"];
  if (w.is_object() && w.contains("packages")) w = w["packages"];
  std::vector<std::string> out;
  if (!w.is_array()) return out;
  for (const auto& p : w) {
    if (p.is_string()) out.push_back(p.get<std::string>());
  }
  return out;
}

std::vector<std::string> PnpmWorkspacePackages(std::string_view content) {
  std::vector<std::string> out;
  bool in_packages = false;
  for (std::string_view raw : SplitLines(content)) {
    std::string_view line = StripComment(raw);
    if (Trim(line).empty()) continue;
    bool indented = line[0] == ' ' || line[0] == '\t' || line[0] == '-';
    std::string_view t = Trim(line);
    if (!indented) {
      in_packages = StartsWith(t, "packages:");
      std::string_view rest = Trim(t.substr(in_packages ? 9 : 0));
      if (in_packages && !rest.empty() && rest.front() == '[') {
        for (auto& p : ParseStringArray(rest)) out.push_back(p);
        in_packages = false;
      }
      continue;
    }
    if (in_packages && t.front() == '-') out.push_back(Unquote(t.substr(1)));
  }
  return out;
}

std::vector<std::string> CargoWorkspaceMembers(std::string_view content) {
  std::string table;
  std::string collecting;  // the text of a members array spanning lines
  bool in_members = false;
  for (std::string_view raw : SplitLines(content)) {
    std::string_view line = Trim(StripComment(raw));
    if (in_members) {
      collecting += std::string(line) + " ";
      if (line.find(']') != std::string_view::npos) break;
      continue;
    }
    if (line.empty()) continue;
    if (line.front() == '[') {
      table = std::string(Trim(line.substr(1, line.find(']') - 1)));
      continue;
    }
    if (table != "workspace" || !StartsWith(line, "members")) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    collecting = std::string(line.substr(eq + 1)) + " ";
    if (line.find(']', eq) != std::string_view::npos) break;
    in_members = true;
  }
  return ParseStringArray(collecting);
}

std::vector<std::string> GoWorkUses(std::string_view content) {
  std::vector<std::string> out;
  bool block = false;
  for (std::string_view raw : SplitLines(content)) {
    size_t comment = raw.find("//");
    std::string_view line = Trim(comment == std::string_view::npos ? raw : raw.substr(0, comment));
    if (line.empty()) continue;
    if (block) {
      if (line == ")") block = false;
      else out.push_back(Unquote(line));
      continue;
    }
    if (!StartsWith(line, "use")) continue;
    std::string_view rest = Trim(line.substr(3));
    if (rest == "(") block = true;
    else if (!rest.empty()) out.push_back(Unquote(rest));
  }
  return out;
}

std::vector<std::string> ExpandMembers(const std::string& root,
                                       const std::vector<std::string>& patterns,
                                       size_t max_members, int max_depth) {
  std::set<std::string> found;
  std::vector<std::string> excludes;
  for (const std::string& p : patterns) {
    if (!p.empty() && p[0] == '!') {
      std::string x = p.substr(1);
      if (StartsWith(x, "./")) x.erase(0, 2);
      excludes.push_back(x);
      continue;
    }
    std::vector<std::string> parts = Components(p);
    if (parts.empty()) continue;
    Expander e{root, max_members, max_depth, found};
    e.Walk("", parts, 0, 0);
  }
  std::vector<std::string> out;
  for (const std::string& m : found) {
    // Without FNM_PATHNAME '*' crosses '/', which is what "**" means here.
    bool excluded = std::any_of(excludes.begin(), excludes.end(), [&](const std::string& x) {
      return ::fnmatch(x.c_str(), m.c_str(), 0) == 0;
    });
    if (!excluded) out.push_back(m);
  }
  return out;
}

}  // namespace sesame::runtimes
