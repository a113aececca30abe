#include "providers/violation_reader.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "security/violation_log.h"

namespace sesame::providers {

namespace fs = std::filesystem;

ViolationFileReader::~ViolationFileReader() {
  if (inotify_ >= 0) ::close(inotify_);
}

bool ViolationFileReader::Changed() {
  if (inotify_ < 0) inotify_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0) return true;
  bool changed = false;
  alignas(inotify_event) char buf[4096];
  for (ssize_t n; (n = ::read(inotify_, buf, sizeof buf)) > 0;) changed = true;
  if (!root_watched_) {
    // Until the root exists, the nearest directory above it that does says
    // when the next level is made; nothing made there, nothing to try again.
    if (ancestor_watched_ && !changed) return false;
    constexpr uint32_t kDirs = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ONLYDIR;
    if (::inotify_add_watch(inotify_, state_root_.c_str(), kDirs) >= 0) {
      root_watched_ = true;
      return true;  // read what is there now
    }
    for (fs::path up = fs::path(state_root_).parent_path(); !up.empty() && up != up.root_path();
         up = up.parent_path()) {
      if (::inotify_add_watch(inotify_, up.c_str(), kDirs) >= 0) {
        ancestor_watched_ = true;
        return false;  // no root, so no sandbox: nothing to read until it comes
      }
    }
    return true;
  }
  return changed;
}

Result<std::vector<ViolationRecord>> ViolationFileReader::Drain() {
  MutexLock lock(mutex_);
  if (!Changed()) return std::vector<ViolationRecord>{};
  return Scan();
}

std::vector<ViolationRecord> ViolationFileReader::Scan() {
  std::vector<ViolationRecord> out;
  std::error_code ec;
  std::map<std::string, Seen> still_there;
  for (fs::directory_iterator it(state_root_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string uid = it->path().filename().string();
    fs::path file = it->path() / security::kViolationsFile;
    // Before the file is read: a line appended after this wakes the next
    // Drain. (Adding an existing watch again is a no-op.)
    if (inotify_ >= 0 &&
        ::inotify_add_watch(inotify_, it->path().c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0) {
      root_watched_ = false;  // out of watches: look again next time
    }
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
