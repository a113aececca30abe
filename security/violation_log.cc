#include "security/violation_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "common/time.h"

namespace sesame::security {
namespace {

uint64_t ReadNumber(const std::string& path) {
  std::ifstream in(path);
  uint64_t n = 0;
  in >> n;
  return n;
}

}  // namespace

ViolationLog::ViolationLog(std::string state_dir, size_t max_records)
    : dir_(std::move(state_dir)), max_records_(max_records < 4 ? 4 : max_records) {
  std::ifstream in(dir_ + "/" + kViolationsFile);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++records_;
    last = line;
  }
  if (!last.empty()) {
    try {
      seq_ = nlohmann::json::parse(last).value("seq", uint64_t{0});
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (seq_ == 0) seq_ = ReadNumber(dir_ + "/" + kViolationsDroppedFile) + records_;
}

uint64_t ViolationLog::last_seq() const {
  MutexLock lock(mu_);
  return seq_;
}

void ViolationLog::Append(const Violation& v) {
  MutexLock lock(mu_);
  nlohmann::json j;
  j["seq"] = ++seq_;
  j["time"] = FormatTime(Clock::Real().Now(), true);
  j["kind"] = v.kind;
  j["operation"] = v.operation;
  j["target"] = v.target;
  j["rule"] = v.rule;
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::string path = dir_ + "/" + kViolationsFile;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
  ::close(fd);
  if (++records_ > max_records_) Trim();
}

void ViolationLog::Trim() {
  std::string path = dir_ + "/" + kViolationsFile;
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  size_t drop = lines.size() - (max_records_ * 3) / 4;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (size_t i = drop; i < lines.size(); ++i) out << lines[i] << '\n';
  }
  uint64_t dropped = ReadNumber(dir_ + "/" + kViolationsDroppedFile) + drop;
  {
    std::ofstream out(dir_ + "/" + kViolationsDroppedFile + std::string(".tmp"), std::ios::trunc);
    out << dropped << '\n';
  }
  ::rename((dir_ + "/" + kViolationsDroppedFile + std::string(".tmp")).c_str(),
           (dir_ + "/" + kViolationsDroppedFile).c_str());
  ::rename(tmp.c_str(), path.c_str());
  records_ = lines.size() - drop;
}

}  // namespace sesame::security
