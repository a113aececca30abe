#pragma once
// Helpers for the store tests: a temporary directory removed on scope exit,
// a settable clock, and object builders.

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "common/time.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sesame-store-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(Time now = Time(std::chrono::seconds(1'800'000'000))) : now_(now) {}
  Time Now() const override { return now_; }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(now_.time_since_epoch());
  }
  void Advance(Millis d) { now_ += d; }

 private:
  Time now_;
};

inline Object MakeObject(const std::string& kind, const std::string& name,
                         const std::string& spec = "{}", const std::string& ns = "default") {
  Object o;
  o.kind = kind;
  o.metadata.name = name;
  o.metadata.namespace_ = ns;
  o.spec = spec;
  return o;
}

inline Object Sandbox(const std::string& name, const std::string& spec = "{}") {
  return MakeObject(specs::kKindSandbox, name, spec);
}

inline Object Template(const std::string& name, const std::string& spec = "{}") {
  return MakeObject(specs::kKindSandboxTemplate, name, spec);
}

inline ObjectKey SandboxKey(const std::string& name) {
  return {specs::kKindSandbox, "default", name};
}

inline ApplyOptions DryRun() {
  ApplyOptions o;
  o.dry_run = true;
  return o;
}

inline ApplyOptions Prune(const std::string& applyset) {
  ApplyOptions o;
  o.prune = true;
  o.applyset = applyset;
  return o;
}

inline ListOptions Kind(const std::string& kind, const std::string& ns = "",
                        const std::string& selector = "") {
  ListOptions o;
  o.kind = kind;
  o.namespace_ = ns;
  o.selector = Selector::Parse(selector).value();
  return o;
}

}  // namespace sesame::store::testing
