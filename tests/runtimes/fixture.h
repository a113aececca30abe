#pragma once
// A throwaway project directory for detection tests: files written from
// strings, removed with everything in it at the end.

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/providers/temp_dir.h"

namespace sesame::runtimes {

class Project {
 public:
  const std::string& path() const { return dir_.path(); }
  // Writes `content` to `rel`, creating parent directories.
  Project& Write(const std::string& rel, const std::string& content) {
    std::filesystem::path p = std::filesystem::path(dir_.path()) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return *this;
  }
  Project& Mkdir(const std::string& rel) {
    std::filesystem::create_directories(std::filesystem::path(dir_.path()) / rel);
    return *this;
  }

 private:
  testing::TempDir dir_;
};

}  // namespace sesame::runtimes
