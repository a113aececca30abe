#include "providers/filesystem/limits.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sesame::providers::filesystem {
namespace {

constexpr rlim_t kNoFileSoftLimit = 65536;
constexpr int64_t kCpuPeriodMicros = 100000;

void Add(RlimitPlan& plan, int resource, rlim_t soft, rlim_t hard) {
  if (plan.count == RlimitPlan::kMax) return;
  plan.resource[plan.count] = resource;
  plan.value[plan.count] = {soft, hard};
  ++plan.count;
}

// Writes `value` to `path`; returns the failure text, empty on success.
std::string WriteFile(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return path + ": " + std::strerror(errno);
  ssize_t n = ::write(fd, value.data(), value.size());
  std::string error = n == static_cast<ssize_t>(value.size()) ? "" : path + ": " + std::strerror(errno);
  ::close(fd);
  return error;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool Contains(const std::string& words, const std::string& word) {
  return (" " + words + " ").find(" " + word + " ") != std::string::npos;
}

void Append(std::string& message, const std::string& more) {
  if (more.empty()) return;
  if (!message.empty()) message += "; ";
  message += more;
}

}  // namespace

ResourceLimits ResourceLimits::FromSpec(const specs::Resources& resources) {
  ResourceLimits limits;
  if (resources.cpu) limits.cpu_milli = resources.cpu->milli;
  if (resources.memory) limits.memory_bytes = resources.memory->Value();
  if (resources.disk) limits.disk_bytes = resources.disk->Value();
  limits.pids = resources.pids;
  return limits;
}

RlimitPlan PlanRlimits(const ResourceLimits& limits, bool cgroup_limits_memory) {
  RlimitPlan plan;
  struct rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    rlim_t soft = nofile.rlim_max == RLIM_INFINITY || nofile.rlim_max > kNoFileSoftLimit
                      ? kNoFileSoftLimit
                      : nofile.rlim_max;
    Add(plan, RLIMIT_NOFILE, soft, nofile.rlim_max);
  }
  if (limits.memory_bytes && !cgroup_limits_memory) {
    // RLIMIT_DATA, not RLIMIT_AS: runtimes such as V8 and Go reserve large
    // PROT_NONE address ranges that RLIMIT_AS would count.
    auto bytes = static_cast<rlim_t>(*limits.memory_bytes);
    Add(plan, RLIMIT_DATA, bytes, bytes);
  }
  return plan;
}

void ApplyRlimits(const RlimitPlan& plan) {
  for (int i = 0; i < plan.count; ++i) ::setrlimit(plan.resource[i], &plan.value[i]);
}

std::set<std::string> EnforceableResources(const std::string& root) {
  std::set<std::string> out = {"memory"};
  std::string available = ReadFirstLine(root + "/cgroup.controllers");
  if (available.empty() || ::access(root.c_str(), W_OK) != 0) return out;
  for (const char* controller : {"cpu", "pids"}) {
    if (Contains(available, controller)) out.insert(controller);
  }
  return out;
}

CgroupSetup SetUpCgroup(const std::string& root, const std::string& uid,
                        const ResourceLimits& limits) {
  CgroupSetup setup;
  bool wanted = limits.cpu_milli || limits.memory_bytes || limits.pids;
  if (!wanted) return setup;
  std::string available = ReadFirstLine(root + "/cgroup.controllers");
  if (available.empty() || ::access(root.c_str(), W_OK) != 0) {
    setup.message = "no writable cgroup v2 hierarchy at " + root +
                    "; cpu and pids limits not enforced" +
                    (limits.memory_bytes ? ", memory limited by RLIMIT_DATA" : "");
    return setup;
  }
  std::string enable;
  for (const char* controller : {"cpu", "memory", "pids"}) {
    if (Contains(available, controller)) enable += std::string(enable.empty() ? "+" : " +") + controller;
  }
  std::string parent = root + "/sesame";
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    setup.message = parent + ": " + std::strerror(errno);
    return setup;
  }
  // Failures here show up below as missing limit files.
  WriteFile(root + "/cgroup.subtree_control", enable);
  WriteFile(parent + "/cgroup.subtree_control", enable);
  std::string path = parent + "/" + uid;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    setup.message = path + ": " + std::strerror(errno);
    return setup;
  }
  setup.path = path;
  setup.message = WriteCgroupLimits(path, limits);
  setup.limits_memory = limits.memory_bytes && setup.message.find("memory.max") == std::string::npos;
  return setup;
}

std::string WriteCgroupLimits(const std::string& path, const ResourceLimits& limits) {
  std::string message;
  Append(message, WriteFile(path + "/memory.max",
                            limits.memory_bytes ? std::to_string(*limits.memory_bytes) : "max"));
  std::string cpu = "max " + std::to_string(kCpuPeriodMicros);
  if (limits.cpu_milli) {
    cpu = std::to_string(*limits.cpu_milli * kCpuPeriodMicros / 1000) + " " +
          std::to_string(kCpuPeriodMicros);
  }
  Append(message, WriteFile(path + "/cpu.max", cpu));
  Append(message, WriteFile(path + "/pids.max", limits.pids ? std::to_string(*limits.pids) : "max"));
  return message;
}

void RemoveCgroup(const std::string& path) {
  if (!path.empty()) ::rmdir(path.c_str());
}

}  // namespace sesame::providers::filesystem
