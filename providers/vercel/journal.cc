#include "providers/vercel/journal.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sesame::providers::vercel {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::optional<JournalEntry> Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    JournalEntry e;
    e.uid = j.at("uid");
    e.key = {j.value("kind", "Sandbox"), j.value("namespace", ""), j.value("name", "")};
    e.sandbox_id = j.value("sandboxId", "");
    e.intent_ms = j.value("intentMs", 0LL);
    e.runtime = j.value("runtime", "");
    e.vcpus = j.value("vcpus", 0);
    e.timeout_ms = j.value("timeoutMs", 0LL);
    e.ports = j.value("ports", std::vector<int>{});
    e.hashes = j.value("hashes", std::map<std::string, std::string>{});
    e.command = j.value("command", std::vector<std::string>{});
    e.session_cmd_id = j.value("sessionCmdId", "");
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<JournalEntry> ReadEntry(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str());
}

}  // namespace

Status Journal::Put(const JournalEntry& e) {
  json j = {{"uid", e.uid},           {"kind", e.key.kind},     {"namespace", e.key.namespace_},
            {"name", e.key.name},     {"sandboxId", e.sandbox_id}, {"intentMs", e.intent_ms},
            {"runtime", e.runtime},   {"vcpus", e.vcpus},       {"timeoutMs", e.timeout_ms},
            {"ports", e.ports},       {"hashes", e.hashes},     {"command", e.command},
            {"sessionCmdId", e.session_cmd_id}};
  MutexLock lock(mu_);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string tmp = Path(e.uid) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump();
    if (!out) return InternalError("vercel: cannot write the journal in " + dir_);
  }
  fs::rename(tmp, Path(e.uid), ec);
  if (ec) return InternalError("vercel: cannot write the journal in " + dir_ + ": " + ec.message());
  return Status::Ok();
}

std::optional<JournalEntry> Journal::Get(const std::string& uid) { return ReadEntry(Path(uid)); }

Status Journal::Remove(const std::string& uid) {
  MutexLock lock(mu_);
  std::error_code ec;
  fs::remove(Path(uid), ec);
  return Status::Ok();
}

std::vector<JournalEntry> Journal::All() {
  std::vector<JournalEntry> out;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir_, ec)) {
    if (f.path().extension() != ".json") continue;
    if (auto e = ReadEntry(f.path())) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace sesame::providers::vercel
