// sesame cp SRC DST: one file to or from a sandbox's workspace, through the
// files API (providers with file operations). One side is NAME:PATH (or
// sandbox/NAME:PATH), PATH relative to the workspace; the other a local
// file, a local directory (the file keeps its name) or - for stdin/stdout.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "cli/command.h"
#include "cli/kinds.h"

namespace sesame::cli {
namespace {

namespace fs = std::filesystem;

struct SandboxPath {
  std::string name;
  std::string path;
};

// "NAME:PATH" or "sandbox/NAME:PATH"; nullopt for a local path (one that
// starts with / or ., or has no colon, or nothing that could be a name
// before it).
std::optional<SandboxPath> ParseSandboxPath(const std::string& arg) {
  if (arg.empty() || arg[0] == '/' || arg[0] == '.') return std::nullopt;
  auto colon = arg.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto name = SandboxName(arg.substr(0, colon), "cp");
  if (!name.ok() || name->empty() || name->find('/') != std::string::npos) return std::nullopt;
  return SandboxPath{*name, arg.substr(colon + 1)};
}

std::string BaseName(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  return fs::path(trimmed).filename().string();
}

Result<std::string> ReadLocal(Context& ctx, const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return InvalidError(path + " is a directory: cp copies one file (use tar through exec -i for a tree)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

Status WriteLocal(Context& ctx, std::string path, const std::string& remote_path, const std::string& content) {
  if (path == "-") {
    ctx.out << content;
    ctx.out.flush();
    return Status::Ok();
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) path = (fs::path(path) / BaseName(remote_path)).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  out << content;
  out.close();
  if (!out) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

int RunCp(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() != 2) return ctx.Usage("usage: sesame cp SRC DST (one of them NAME:PATH)");
  auto from = ParseSandboxPath(args[0]);
  auto to = ParseSandboxPath(args[1]);
  if (from.has_value() == to.has_value()) {
    return ctx.Usage(from ? "cp copies between this machine and a sandbox, not between two sandboxes"
                          : "name the sandbox side as NAME:PATH (for example hello:notes.txt)");
  }
  const SandboxPath& remote = from ? *from : *to;
  if (remote.path.empty()) return ctx.Usage("\"" + (from ? args[0] : args[1]) + "\": give a path after the colon");
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  if (from) {
    auto content = (*client)->ReadFile(ns, remote.name, remote.path);
    if (!content.ok()) return ctx.Fail(content.status());
    Status written = WriteLocal(ctx, args[1], remote.path, *content);
    return written.ok() ? kExitOk : ctx.Fail(written);
  }
  auto content = ReadLocal(ctx, args[0]);
  if (!content.ok()) return ctx.Fail(content.status());
  std::string path = remote.path;
  if (path.back() == '/') {
    if (args[0] == "-") return ctx.Usage("stdin has no file name: give the sandbox path in full");
    path += BaseName(args[0]);
  }
  Status written = (*client)->WriteFile(ns, remote.name, path, *content);
  return written.ok() ? kExitOk : ctx.Fail(written);
}

}  // namespace

Command CpCommand() {
  return {"cp",
          "Copy a file to or from a sandbox",
          "sesame cp LOCAL NAME:PATH | sesame cp NAME:PATH LOCAL [-n NS]",
          "PATH is relative to the sandbox's workspace (a path that leaves it is\n"
          "refused). LOCAL is a file, a directory (the file keeps its name) or -\n"
          "for stdin or stdout. A PATH ending in / takes the local file's name.\n\n"
          "Examples:\n"
          "  sesame cp notes.md hello:docs/\n"
          "  sesame cp hello:out/report.txt .\n"
          "  sesame cp sandbox/hello:package.json - | jq .name",
          {NamespaceFlag()},
          RunCp};
}

}  // namespace sesame::cli
