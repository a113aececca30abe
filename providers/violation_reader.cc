#include "providers/violation_reader.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "security/violation_log.h"

namespace sesame::providers {

namespace fs = std::filesystem;

Result<std::vector<ViolationRecord>> ViolationFileReader::Drain() {
  std::lock_guard lock(mutex_);
  std::vector<ViolationRecord> out;
  std::error_code ec;
  std::map<std::string, Seen> still_there;
  for (fs::directory_iterator it(state_root_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string uid = it->path().filename().string();
    fs::path file = it->path() / security::kViolationsFile;
    std::error_code size_ec;
    auto size = static_cast<int64_t>(fs::file_size(file, size_ec));
    Seen seen = seen_.count(uid) ? seen_[uid] : Seen{};
    if (size_ec || size == seen.size) {
      if (!size_ec) still_there[uid] = seen;
      continue;
    }
    std::optional<specs::ObjectKey> key = key_of_(it->path().string());
    if (!key) continue;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object()) continue;  // a line being written
      int64_t seq = j.value("seq", int64_t{0});
      if (seq <= seen.seq) continue;
      ViolationRecord r;
      r.uid = uid;
      r.key = *key;
      r.seq = seq;
      r.time = ParseTime(j.value("time", "")).value_or(Clock::Real().Now());
      r.kind = j.value("kind", "");
      r.operation = j.value("operation", "");
      r.target = j.value("target", "");
      r.rule = j.value("rule", "");
      out.push_back(std::move(r));
      seen.seq = seq;
    }
    seen.size = size;
    still_there[uid] = seen;
  }
  seen_ = std::move(still_there);
  return out;
}

}  // namespace sesame::providers
