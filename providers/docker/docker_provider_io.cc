// The docker provider's streams and files: exec and attach over hijacked
// connections, logs over a libcurl stream, files through the archive API.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "providers/docker/docker_provider_impl.h"
#include "providers/docker/frame_decoder.h"
#include "providers/docker/hijacked_stream.h"
#include "providers/docker/run_log_times.h"
#include "providers/docker/tar_archive.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

constexpr Millis kExitCodeWait(5000);
constexpr int kMaxSymlinks = 8;

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "/a/./b//c" -> "/a/b/c"; ".." pops.
std::string Normalize(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::string ExecBody(const ExecRequest& request) {
  json env = json::array();
  for (const auto& [name, value] : request.env) env.push_back(name + "=" + value);
  return json{{"AttachStdin", request.stdin_open}, {"AttachStdout", true}, {"AttachStderr", true},
              {"Tty", request.tty}, {"Cmd", request.command}, {"Env", env}}
      .dump();
}

}  // namespace

Result<int> DockerProvider::Exec(const Observed& current, const ExecRequest& request,
                                 Streams& streams) {
  if (request.command.empty()) return InvalidError("exec needs a command");
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  HttpRequest create;
  create.method = "POST";
  create.path = "/containers/" + *id + "/exec";
  create.body = ExecBody(request);
  Result<json> exec = CallJson(create, "exec in the sandbox");
  if (!exec.ok()) {
    if (exec.status().code() == Code::kTerminal) {  // 409: paused or stopped
      return TerminalError(exec.status().message() + " (the sandbox is not running)")
          .WithReason("NotRunning");
    }
    return exec.status();
  }
  TouchActivity(current.uid, *id);
  Result<int> code = RunExec(exec->value("Id", ""), request.stdin_open, request.tty, request.timeout, streams);
  TouchActivity(current.uid, *id);
  return code;
}

Result<int> DockerProvider::RunExec(const std::string& exec_id, bool stdin_open, bool tty,
                                    std::optional<Millis> timeout, Streams& streams) {
  Result<std::string> version = client_.ApiVersion();
  if (!version.ok()) return version.status();
  Result<HijackedStream> stream =
      HijackedStream::Open(client_.socket_path(), "/v" + *version + "/exec/" + exec_id + "/start",
                           tty ? R"({"Detach":false,"Tty":true})" : R"({"Detach":false,"Tty":false})");
  if (!stream.ok()) return stream.status();
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeout) deadline = std::chrono::steady_clock::now() + *timeout;
  // On a terminal the end of input is Ctrl-D: a half-close would make the
  // engine end the output too, before the command has answered.
  HijackedStream::End end = stream->Pump(streams, stdin_open, /*half_close=*/!tty, deadline, tty);

  HttpRequest inspect;
  inspect.path = "/exec/" + exec_id + "/json";
  if (end != HijackedStream::End::kEof) {
    // The engine has no "kill exec": signal its process from here (the
    // daemon's socket is local, so its pids are ours).
    Result<json> info = CallJson(inspect, "inspecting exec");
    if (info.ok() && info->value("Running", false) && info->value("Pid", 0) > 0) {
      ::kill(info->value("Pid", 0), SIGKILL);
    }
    if (end == HijackedStream::End::kDeadline) {
      return TerminalError("exec timed out after " + std::to_string(timeout->count()) + "ms")
          .WithReason("Timeout");
    }
  }
  auto give_up = std::chrono::steady_clock::now() + kExitCodeWait;
  while (true) {
    Result<json> info = CallJson(inspect, "inspecting exec");
    if (!info.ok()) return info.status();
    if (!info->value("Running", false)) {
      const json& code = (*info)["ExitCode"];
      return code.is_number() ? code.get<int>() : -1;
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      return UnavailableError("the exec's output ended but its process still runs");
    }
    std::this_thread::sleep_for(Millis(10));
  }
}

Result<std::string> DockerProvider::LogText(const std::string& path) {
  HttpRequest logs;
  logs.path = path;
  Result<HttpResponse> r = client_.Call(logs);
  if (!r.ok()) return r.status();
  SESAME_RETURN_IF_ERROR(StatusFromResponse(*r, "reading the sandbox's logs"));
  std::string text;
  FrameDecoder decoder;
  decoder.Feed(r->body, [&text](StreamType, std::string_view payload) { text.append(payload); });
  return text;
}

Result<std::optional<int64_t>> DockerProvider::LastLogTime(const std::string& id) {
  Result<std::string> last = LogText("/containers/" + id + "/logs?stdout=1&stderr=1&timestamps=1&tail=1");
  if (!last.ok()) return last.status();
  return LogLineTime(*last);
}

void DockerProvider::MarkRunEnded(const std::string& uid, const std::string& id) {
  ContainerRecord record = state_.Get(uid, id).value_or(ContainerRecord{});
  record.container_id = id;
  record.restarted = true;
  record.previous_run_after = record.run_log_end;
  // Unknown (the engine did not answer): the previous run shows as empty
  // rather than as some other run's output.
  Result<std::optional<int64_t>> last = LastLogTime(id);
  if (last.ok()) record.run_log_end = *last;
  (void)state_.Put(uid, record);  // best effort: logs --previous only
}

Status DockerProvider::PreviousRunLogs(const Observed& current, const std::string& id, const LogOptions& options,
                                       Streams& streams) {
  std::optional<ContainerRecord> record = state_.Get(current.uid, id);
  if (!record || !record->restarted) {
    return NotFoundError("sandbox/" + current.key.name + " has not restarted: there is no previous run");
  }
  const auto& after = record->previous_run_after;
  const auto& end = record->run_log_end;
  if (!end || (after && *after >= *end)) return Status::Ok();  // that run wrote nothing
  // since= and until= both include their instant.
  int64_t since = after ? *after + 1 : 0;
  if (options.since) {
    since = std::max<int64_t>(since, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         options.since->time_since_epoch()).count());
  }
  std::string path = "/containers/" + id + "/logs?stdout=1&stderr=1&until=" + LogApiTime(*end);
  if (since > 0) path += "&since=" + LogApiTime(since);
  if (options.timestamps) path += "&timestamps=1";
  // Read whole (the run is over), so that --tail counts the lines of that
  // run: the engine would take them from the end of the whole log.
  Result<std::string> text = LogText(path);
  if (!text.ok()) return text.status();
  std::string_view shown = options.tail ? LastLines(*text, *options.tail) : std::string_view(*text);
  if (!shown.empty() && streams.on_stdout) streams.on_stdout(shown);
  return Status::Ok();
}

Status DockerProvider::Logs(const Observed& current, const LogOptions& options, Streams& streams) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  if (options.previous) return PreviousRunLogs(current, *id, options, streams);
  HttpRequest logs;
  logs.path = "/containers/" + *id + "/logs?stdout=1&stderr=1";
  if (options.follow) logs.path += "&follow=1";
  if (options.timestamps) logs.path += "&timestamps=1";
  if (options.tail) logs.path += "&tail=" + std::to_string(*options.tail);
  if (options.since) {
    auto ms = std::chrono::duration_cast<Millis>(options.since->time_since_epoch()).count();
    char since[32];
    std::snprintf(since, sizeof since, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    logs.path += std::string("&since=") + since;
  }
  FrameDecoder decoder;
  auto sink = [&streams](StreamType type, std::string_view payload) {
    const auto& out = type == StreamType::kStderr ? streams.on_stderr : streams.on_stdout;
    if (out) out(payload);
  };
  Result<HttpResponse> r = client_.Stream(
      logs,
      [&](std::string_view data) {
        decoder.Feed(data, sink);
        return true;
      },
      streams.cancelled);
  if (!r.ok()) return r.status();
  return StatusFromResponse(*r, "reading the sandbox's logs");
}

Status DockerProvider::Attach(const Observed& current, Streams& streams) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  // A pool's container takes its session from its first attach only.
  bool open_stdin = (*inspect)["Config"].value("OpenStdin", false) &&
                    !(*inspect)["Config"].value("StdinOnce", false);
  bool with_stdin = open_stdin && static_cast<bool>(streams.read_stdin);
  Result<std::string> version = client_.ApiVersion();
  if (!version.ok()) return version.status();
  std::string path = "/v" + *version + "/containers/" + *id + "/attach?stream=1&stdout=1&stderr=1" +
                     (with_stdin ? "&stdin=1" : "");
  Result<HijackedStream> stream = HijackedStream::Open(client_.socket_path(), path, "");
  if (!stream.ok()) return stream.status();
  TouchActivity(current.uid, *id);
  stream->Pump(streams, with_stdin, /*half_close=*/false, std::nullopt);
  TouchActivity(current.uid, *id);
  return Status::Ok();
}

Result<std::string> DockerProvider::AbsolutePath(const std::string& id, const std::string& path) {
  if (path.empty()) return InvalidError("a file path is required");
  if (path.front() == '/') return Normalize(path);
  Result<json> inspect = Inspect(id);
  if (!inspect.ok()) return inspect.status();
  std::string workdir = (*inspect)["Config"].value("WorkingDir", "");
  return Normalize((workdir.empty() ? "/" : workdir) + "/" + path);
}

Result<std::string> DockerProvider::ReadFile(const Observed& current, const std::string& path) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<std::string> target = AbsolutePath(*id, path);
  if (!target.ok()) return target.status();
  std::string at = *target;
  for (int hop = 0; hop < kMaxSymlinks; ++hop) {
    HttpRequest get;
    get.path = "/containers/" + *id + "/archive?path=" + UrlEncode(at);
    Result<HttpResponse> r = client_.Call(get);
    if (!r.ok()) return r.status();
    if (r->status == 404) return NotFoundError("no such file in the sandbox: " + path);
    SESAME_RETURN_IF_ERROR(StatusFromResponse(*r, "reading " + path));
    Result<TarMember> member = ReadFirstTarMember(r->body);
    if (!member.ok()) return member.status();
    if (member->type == '0' || member->type == '7') return member->content;
    if (member->type == '5') return InvalidError(path + " is a directory");
    if (member->type != '2') return InvalidError(path + " is not a regular file");
    const std::string& link = member->link_target;
    at = Normalize(link.starts_with("/") ? link : Dirname(at) + "/" + link);
  }
  return InvalidError(path + ": too many levels of symbolic links");
}

Status DockerProvider::WriteFile(const Observed& current, const std::string& path,
                                 const std::string& content) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<std::string> target = AbsolutePath(*id, path);
  if (!target.ok()) return target.status();
  if (*target == "/") return InvalidError("cannot write to /");
  // The archive API extracts into an existing directory: find the deepest
  // one and send the missing directories along with the file.
  std::string base = Dirname(*target);
  std::vector<std::string> missing;
  while (base != "/") {
    HttpRequest head;
    head.method = "HEAD";
    head.path = "/containers/" + *id + "/archive?path=" + UrlEncode(base);
    Result<HttpResponse> r = client_.Call(head);
    if (!r.ok()) return r.status();
    if (r->status == 200) break;
    if (r->status != 404) return StatusFromResponse(*r, "writing " + path);
    missing.insert(missing.begin(), Basename(base));
    base = Dirname(base);
  }
  std::vector<TarEntry> entries;
  std::string relative;
  for (const auto& dir : missing) {
    relative += dir + "/";
    entries.push_back({relative, "", 0755, true});
  }
  entries.push_back({relative + Basename(*target), content, 0644, false});
  Result<std::string> tar = WriteTar(entries);
  if (!tar.ok()) return tar.status();
  HttpRequest put;
  put.method = "PUT";
  put.path = "/containers/" + *id + "/archive?path=" + UrlEncode(base);
  put.body = *std::move(tar);
  put.content_type = "application/x-tar";
  Result<HttpResponse> r = client_.Call(put);
  if (!r.ok()) return r.status();
  return StatusFromResponse(*r, "writing " + path);
}

}  // namespace sesame::providers::docker
