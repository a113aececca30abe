#include "runtimes/version_files.h"

#include <cctype>

#include "runtimes/text.h"

namespace sesame::runtimes {
namespace {

std::string Source(const std::string& name, size_t index) {
  return name + ":" + std::to_string(index + 1);
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// nvm's spellings as mise understands them.
std::string NormalizeNode(std::string v) {
  if (v.size() > 1 && (v[0] == 'v' || v[0] == 'V') && IsDigit(v[1])) v.erase(0, 1);
  if (v == "lts/*" || v == "lts") return "lts";
  if (StartsWith(v, "lts/")) return "lts-" + v.substr(4);
  if (v == "node" || v == "stable" || v == "latest" || v == "current") return "latest";
  return v;
}

std::vector<ToolVersion> ParseSingle(const std::string& tool, const std::string& name,
                                     std::string_view content, std::string_view prefix) {
  std::vector<std::string_view> lines = SplitLines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = Trim(StripComment(lines[i]));
    if (line.empty()) continue;
    std::vector<std::string> words = SplitWords(line);
    std::string v = words.front();
    if (!prefix.empty() && StartsWith(v, prefix)) v.erase(0, prefix.size());
    if (v.empty()) continue;
    return {{tool, v, Source(name, i)}};
  }
  return {};
}

std::vector<ToolVersion> ParsePythonVersion(const std::string& name, std::string_view content) {
  std::vector<ToolVersion> out;
  std::vector<std::string_view> lines = SplitLines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    for (std::string& v : SplitWords(Trim(StripComment(lines[i])))) {
      if (v == "system") continue;
      if (StartsWith(v, "python-")) v.erase(0, 7);
      out.push_back({"python", v, Source(name, i)});
    }
  }
  return out;
}

// The version of an inline table: { version = "3.3", postinstall = "..." }.
std::string InlineTableVersion(std::string_view s) {
  size_t at = s.find("version");
  while (at != std::string_view::npos) {
    bool word_start = at == 0 || s[at - 1] == '{' || s[at - 1] == ',' || s[at - 1] == ' ';
    size_t eq = s.find_first_not_of(" \t", at + 7);
    if (word_start && eq != std::string_view::npos && s[eq] == '=') {
      std::string_view rest = Trim(s.substr(eq + 1));
      char q = rest.empty() ? 0 : rest[0];
      if (q == '"' || q == '\'') {
        size_t end = rest.find(q, 1);
        if (end != std::string_view::npos) return std::string(rest.substr(1, end - 1));
      }
    }
    at = s.find("version", at + 7);
  }
  return {};
}

// The values of `key = VALUE` in [tools].
std::vector<std::string> ToolValues(std::string_view value) {
  value = Trim(value);
  if (value.empty()) return {};
  if (value.front() == '[') return ParseStringArray(value);
  if (value.front() == '{') {
    std::string v = InlineTableVersion(value);
    if (v.empty()) return {};
    return {v};
  }
  return {Unquote(value)};
}

}  // namespace

std::string VersionFileKind(std::string_view f) {
  if (f == ".nvmrc" || f == ".node-version") return "node";
  if (f == ".python-version" || f == ".python-versions") return "python";
  if (f == ".ruby-version") return "ruby";
  if (f == ".go-version") return "go";
  if (f == ".tool-versions") return "tool-versions";
  if (f == "mise.toml" || f == ".mise.toml" || f == "mise.local.toml" || f == ".mise.local.toml" ||
      f == "config.toml") {
    return "mise";
  }
  return {};
}

std::vector<ToolVersion> ParseNodeVersion(const std::string& name, std::string_view content) {
  std::vector<ToolVersion> v = ParseSingle("node", name, content, "");
  for (ToolVersion& t : v) t.version = NormalizeNode(t.version);
  return v;
}

std::vector<ToolVersion> ParseToolVersions(const std::string& name, std::string_view content) {
  std::vector<ToolVersion> out;
  std::vector<std::string_view> lines = SplitLines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string> words = SplitWords(Trim(StripComment(lines[i])));
    if (words.size() < 2) continue;
    for (size_t w = 1; w < words.size(); ++w) {
      if (words[w] == "system") continue;
      out.push_back({words[0], words[w], Source(name, i)});
    }
  }
  return out;
}

std::vector<ToolVersion> ParseMiseToml(const std::string& name, std::string_view content,
                                       std::vector<std::string>& warnings) {
  std::vector<ToolVersion> out;
  std::vector<std::string_view> lines = SplitLines(content);
  std::string table;      // the current [table]
  std::string tool_table; // "node" inside [tools.node]
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = Trim(StripComment(lines[i]));
    if (line.empty()) continue;
    if (line.front() == '[') {
      size_t end = line.find(']');
      table = end == std::string_view::npos ? "" : std::string(Trim(line.substr(1, end - 1)));
      tool_table = StartsWith(table, "tools.") ? Unquote(table.substr(6)) : "";
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = Unquote(line.substr(0, eq));
    std::string_view value = line.substr(eq + 1);
    if (!tool_table.empty()) {
      if (key == "version") out.push_back({tool_table, Unquote(value), Source(name, i)});
      continue;
    }
    if (table != "tools") continue;
    std::vector<std::string> versions = ToolValues(value);
    if (versions.empty()) {
      warnings.push_back(Source(name, i) + ": cannot read the version of " + key);
      continue;
    }
    for (const std::string& v : versions) out.push_back({key, v, Source(name, i)});
  }
  return out;
}

std::vector<ToolVersion> ParseVersionFile(const std::string& kind, const std::string& name,
                                          std::string_view content,
                                          std::vector<std::string>& warnings) {
  std::vector<ToolVersion> out;
  if (kind == "node") out = ParseNodeVersion(name, content);
  else if (kind == "python") out = ParsePythonVersion(name, content);
  else if (kind == "ruby") out = ParseSingle("ruby", name, content, "ruby-");
  else if (kind == "go") out = ParseSingle("go", name, content, "go");
  else if (kind == "tool-versions") return ParseToolVersions(name, content);
  else if (kind == "mise") return ParseMiseToml(name, content, warnings);
  if (out.empty() && (kind == "node" || kind == "ruby" || kind == "go" || kind == "python")) {
    warnings.push_back(name + ": names no version");
  }
  return out;
}

}  // namespace sesame::runtimes
