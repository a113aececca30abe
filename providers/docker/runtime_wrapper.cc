#include "providers/docker/runtime_wrapper.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/unique_fd.h"
#include "providers/docker/hardening.h"
#include "runtimes/install_steps.h"

namespace sesame::providers::docker {
namespace {

constexpr size_t kMaxStatusBytes = 64 * 1024;
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string QuoteArgs(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + Quote(a);
  return out;
}

// The helpers every wrapper starts with. report: the status file, written
// whole and renamed into place so the provider never reads half of it.
// step: runs one install with its output in the logs and in step.out;
// a failure reports the command and the last lines of its output.
constexpr char kPrelude[] = R"sh(#!/bin/sh
# Written by sesame for this sandbox (runtimes.mise: auto) at its last
# start: installs the workspace's runtimes and dependencies, then runs the
# session command. Progress goes to /var/lib/sesame/status.
S=/var/lib/sesame/status
report() {
  printf '%s\n%s\n%s\n' "$1" "$2" "$3" >"$S/status.tmp" && mv -f "$S/status.tmp" "$S/status"
}
note() { echo "sesame: runtimes: $1" >&2; }
ran=0
step() {
  phase=$1 display=$2 dir=$3
  shift 3
  report "$phase" "$phase" "$display"
  note "$display"
  ran=1
  rm -f "$S/rc"
  { (cd "$dir" && exec "$@") </dev/null 2>&1; echo $? >"$S/rc"; } | tee "$S/step.out"
  rc=1
  [ -r "$S/rc" ] && read -r rc <"$S/rc"
  [ "$rc" = 0 ] && return 0
  note "$display failed: exited with code $rc"
  report Failed Failed "$display failed: exited with code $rc
$(tail -n 20 "$S/step.out" 2>/dev/null)"
  exit 1
}
installed() { [ -r "$S/$1" ] && read -r h <"$S/$1" && [ "$h" = "$2" ]; }
)sh";

std::string Summary(const runtimes::Plan& plan, bool install_dependencies) {
  std::string summary;
  for (const runtimes::ToolVersion& t : plan.tools) {
    summary += (summary.empty() ? "" : ", ") + t.tool + " " + t.version;
  }
  if (!plan.installs.empty() && install_dependencies) {
    summary += std::string(summary.empty() ? "" : "; ") + std::to_string(plan.installs.size()) +
               (plan.installs.size() == 1 ? " dependency install" : " dependency installs");
  }
  return summary.empty() ? "no runtimes or lockfiles declared" : summary;
}

std::string MiseMissingMessage(const WrapperOptions& o) {
  return "mise is not on the PATH of the image " + o.image +
         ", and runtimes.mise: auto needs it. The default image " + o.default_image +
         " has it; build it with: " + o.build_command;
}

// The value of NAME in a list of "NAME=value".
std::string Lookup(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return "";
}

bool ValidUid(const std::string& uid) {
  return !uid.empty() && uid != "." && uid != ".." && uid.find('/') == std::string::npos;
}

// mkdir that keeps an existing directory; `mode` applied through the
// directory's own fd (a symlink in its place is refused, never followed).
Status MakeDir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return InternalError("cannot create " + path + ": " + std::strerror(errno));
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return InternalError("cannot open " + path + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), mode) != 0) {
    return InternalError("cannot chmod " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status WriteAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out.flush()) return InternalError("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0755);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return InternalError("cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// A regular file of the container's status directory, read without
// following symlinks or blocking on a FIFO, at most kMaxStatusBytes.
std::optional<std::string> ReadUntrusted(const std::string& dir, const char* name) {
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d.valid()) return std::nullopt;
  UniqueFd f(::openat(d.get(), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat st{};
  if (!f.valid() || ::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string text(kMaxStatusBytes, '\0');
  ssize_t n = ::read(f.get(), text.data(), text.size());
  if (n < 0) return std::nullopt;
  text.resize(static_cast<size_t>(n));
  return text;
}

}  // namespace

std::string WrapperScript(const runtimes::Plan& plan, const WrapperOptions& o) {
  std::string s = kPrelude;
  bool mise = plan.NeedsMise();
  if (mise) {
    std::string message = MiseMissingMessage(o);
    s += "if ! command -v mise >/dev/null 2>&1; then\n";
    s += "  echo " + Quote("sesame: " + message) + " >&2\n";
    s += "  report Failed MiseMissing " + Quote(message) + "\n";
    s += "  exit 1\nfi\n";
  }
  bool deps = o.install_dependencies && !plan.installs.empty();
  s += "tools=0\ninstalled tools.hash " + Quote(plan.tools_hash) + " || tools=1\n";
  if (deps) s += "deps=0\ninstalled lock.hash " + Quote(plan.lock_hash) + " || deps=1\n";

  runtimes::StepOptions options;
  options.mise = mise ? "mise" : "";
  options.install_dependencies = deps;
  for (const runtimes::InstallStep& step : runtimes::InstallSteps(plan, options)) {
    std::vector<std::string> argv = step.argv;
    if (!step.env.empty()) {
      std::vector<std::string> with_env = {"env"};
      for (const auto& [name, value] : step.env) with_env.push_back(name + "=" + value);
      argv.insert(argv.begin(), with_env.begin(), with_env.end());
    }
    s += std::string("if [ $") + (step.phase == "Installing" ? "tools" : "deps") + " = 1 ]; then\n";
    s += "  step " + Quote(step.phase) + " " + Quote(step.display) + " " + Quote(step.dir) + " " +
         QuoteArgs(argv) + "\n";
    s += "fi\n";
  }
  s += "printf '%s\\n' " + Quote(plan.tools_hash) + " >\"$S/tools.hash\"\n";
  if (deps) s += "printf '%s\\n' " + Quote(plan.lock_hash) + " >\"$S/lock.hash\"\n";
  s += "summary=" + Quote(Summary(plan, o.install_dependencies)) + "\n";
  if (!plan.empty()) s += "[ $ran = 0 ] && summary=\"$summary (up to date)\"\n";
  // A hardened container's egress guard allows the install's registries
  // until told the installs are over; the session starts only once it has
  // closed that window.
  const std::string gate = kGateMountPath;
  s += "if [ -p " + gate + "/installed ]; then\n  echo done >" + gate + "/installed && read _ <" + gate +
       "/installed-ack\nfi\n";
  s += "report Ready Ready \"$summary\"\n";
  s += mise ? "exec mise exec -- \"$@\"\n" : "exec \"$@\"\n";
  return s;
}

std::vector<std::string> InstallDomains(const std::string& workspace_dir) {
  Result<runtimes::Plan> plan = runtimes::DetectPlan(workspace_dir);
  if (!plan.ok()) return {};
  runtimes::StepOptions options;
  options.mise = "mise";
  options.install_dependencies = true;
  std::set<std::string> domains;
  for (const runtimes::InstallStep& step : runtimes::InstallSteps(*plan, options)) {
    domains.insert(step.domains.begin(), step.domains.end());
  }
  return {domains.begin(), domains.end()};
}

std::string FailingWrapperScript(const std::string& message) {
  return std::string(kPrelude) + "note " + Quote(message) + "\nreport Failed Failed " +
         Quote(message) + "\nexit 1\n";
}

std::vector<std::string> RuntimeEnvironment(const std::string& mount_path,
                                            const std::vector<std::string>& image_env) {
  runtimes::MiseLayout layout = runtimes::MiseLayoutUnder(kRuntimeMiseMount);
  // The image's global config names the versions it ships: they stay the
  // defaults under the workspace's own files (a workspace with a lockfile
  // and no .nvmrc gets the image's Node.js).
  std::string image_config = Lookup(image_env, "MISE_GLOBAL_CONFIG_FILE");
  std::vector<std::string> env;
  for (const auto& [name, value] : runtimes::MiseEnvironment(layout, mount_path)) {
    bool image_default = name == "MISE_GLOBAL_CONFIG_FILE" && !image_config.empty();
    env.push_back(name + "=" + (image_default ? image_config : value));
  }
  std::string image_data = Lookup(image_env, "MISE_DATA_DIR");
  if (!image_data.empty()) env.push_back("MISE_SHARED_INSTALL_DIRS=" + image_data + "/installs");
  std::string path = Lookup(image_env, "PATH");
  env.push_back("PATH=" + layout.data_dir + "/shims:" + (path.empty() ? kDefaultPath : path));
  return env;
}

std::optional<RuntimeReport> ParseRuntimeStatus(std::string_view text) {
  size_t first = text.find('\n');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  size_t second = text.find('\n', first + 1);
  RuntimeReport r;
  r.phase = std::string(text.substr(0, first));
  r.reason = std::string(text.substr(
      first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1));
  if (second != std::string_view::npos) r.message = std::string(text.substr(second + 1));
  while (!r.message.empty() && r.message.back() == '\n') r.message.pop_back();
  if (r.reason.empty()) r.reason = r.phase;
  return r;
}

void ApplyRuntimeReport(const std::optional<RuntimeReport>& report, Observed& o) {
  if (!report) return;
  o.runtime = report;
  if (o.state == ResourceState::kRunning && !report->ready()) {
    o.state = ResourceState::kCreating;
    std::string more = o.message;
    o.message = "runtimes: " + report->phase + ": " + report->message;
    if (!more.empty()) o.message += "; " + more;
  } else if (o.state == ResourceState::kExited && report->phase == "Failed") {
    o.message +=
        (o.message.empty() ? "" : "; ") + std::string("runtime install failed: ") + report->message;
  }
}

std::vector<std::string> ImageEnv(const nlohmann::json& image_inspect) {
  std::vector<std::string> env;
  auto config = image_inspect.find("Config");
  if (config == image_inspect.end() || !config->is_object()) return env;
  auto list = config->find("Env");
  if (list == config->end() || !list->is_array()) return env;
  for (const auto& e : *list) {
    if (e.is_string()) env.push_back(e.get<std::string>());
  }
  return env;
}

std::string RuntimesRootUnder(const std::string& state_root) {
  return state_root.empty() ? "" : state_root + "/runtimes";
}

ContainerRuntimes::ContainerRuntimes(std::string root) : root_(std::move(root)) {}

std::string ContainerRuntimes::DirOf(const std::string& uid) const { return root_ + "/" + uid; }

Result<RuntimeMounts> ContainerRuntimes::Prepare(const SandboxRequest& request,
                                                 const WrapperOptions& options,
                                                 const std::vector<std::string>& image_env) {
  if (root_.empty()) {
    return TerminalError("runtimes.mise: auto needs the docker provider's state directory")
        .WithReason("RuntimesUnavailable");
  }
  if (!ValidUid(request.uid)) return InvalidError("bad uid for runtimes: " + request.uid);
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  std::string dir = DirOf(request.uid);
  SESAME_RETURN_IF_ERROR(MakeDir(root_, 0700));
  SESAME_RETURN_IF_ERROR(MakeDir(dir, 0700));
  SESAME_RETURN_IF_ERROR(MakeDir(dir + "/bin", 0755));
  SESAME_RETURN_IF_ERROR(MakeDir(dir + "/status", 0777));
  SESAME_RETURN_IF_ERROR(MakeDir(dir + "/mise", 0777));

  const std::string& mount = request.spec.workspace.mount_path;
  std::string script;
  Result<runtimes::Plan> plan = runtimes::DetectPlan(request.workspace_dir);
  if (plan.ok()) {
    plan->workspace = mount;  // the steps run in the container
    script = WrapperScript(*plan, options);
  } else {
    script = FailingWrapperScript("reading the workspace's runtimes: " + plan.status().message());
  }
  SESAME_RETURN_IF_ERROR(WriteAtomically(dir + "/bin/run.sh", script));
  // The last start's progress is not this one's. unlinkat never follows a
  // symlink the container may have put there.
  UniqueFd status(
      ::open((dir + "/status").c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (status.valid()) (void)::unlinkat(status.get(), "status", 0);

  RuntimeMounts m;
  m.binds = {dir + "/bin:" + kRuntimeBinMount + ":ro", dir + "/status:" + kRuntimeStatusMount,
             dir + "/mise:" + kRuntimeMiseMount};
  m.env = RuntimeEnvironment(mount, image_env);
  m.wrapper = {"/bin/sh", std::string(kRuntimeBinMount) + "/run.sh"};
  return m;
}

std::optional<RuntimeReport> ContainerRuntimes::Report(const std::string& uid) const {
  if (root_.empty() || !ValidUid(uid)) return std::nullopt;
  struct stat st{};
  if (::lstat(DirOf(uid).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  std::optional<std::string> text = ReadUntrusted(DirOf(uid) + "/status", "status");
  std::optional<RuntimeReport> r = text ? ParseRuntimeStatus(*text) : std::nullopt;
  if (!r)
    return RuntimeReport{"Detecting", "Detecting",
                         "waiting for the container to start the install"};
  return r;
}

void ContainerRuntimes::Remove(const std::string& uid) {
  if (root_.empty() || !ValidUid(uid)) return;
  std::error_code ec;  // remove_all removes symlinks, never what they point to
  std::filesystem::remove_all(DirOf(uid), ec);
}

}  // namespace sesame::providers::docker
