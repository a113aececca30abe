#pragma once
// The Vercel provider's ownership journal: one small JSON file per uid in a
// directory, replaced atomically (write + rename). Holds no secrets.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "specs/object.h"

namespace sesame::providers::vercel {

struct JournalEntry {
  std::string uid;
  specs::ObjectKey key;
  std::string sandbox_id;   // empty: create intended, outcome unknown
  long long intent_ms = 0;  // when the create was about to be sent (Unix ms)
  std::string runtime;
  int vcpus = 0;
  long long timeout_ms = 0;
  std::vector<int> ports;
  std::map<std::string, std::string> hashes;
  std::vector<std::string> command;  // the session command (no env values)
  std::string session_cmd_id;
};

class Journal {
 public:
  explicit Journal(std::string dir) : dir_(std::move(dir)) {}
  Status Put(const JournalEntry& e);
  std::optional<JournalEntry> Get(const std::string& uid);
  Status Remove(const std::string& uid);
  std::vector<JournalEntry> All();

 private:
  std::string Path(const std::string& uid) const { return dir_ + "/" + uid + ".json"; }
  std::string dir_;
  Mutex mu_;  // serialises file replacement
};

}  // namespace sesame::providers::vercel
