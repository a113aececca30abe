// The Client of a Sesame server over its HTTP API (docs/api.md). The only
// file of cli/ that includes cpp-httplib.
#include <httplib.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/client.h"
#include "common/number.h"
#include "reconcilers/admin_settings_store.h"
#include "specs/codec.h"
#include "specs/gitsync.h"
#include "specs/manifest.h"
#include "specs/pool.h"

namespace sesame::cli {
namespace {

using nlohmann::json;

Code CodeForHttp(int status) {
  switch (status) {
    case 400: case 413: case 415: case 422: return Code::kInvalid;
    case 401: case 403: return Code::kPermissionDenied;
    case 404: return Code::kNotFound;
    case 409: return Code::kConflict;
    case 410: return Code::kNotFound;
    case 429: return Code::kRateLimited;
    case 501: return Code::kUnsupported;
    default: return status >= 500 ? Code::kUnavailable : Code::kInternal;
  }
}

// What failed when no response came, and what to do about it.
Status Unreachable(httplib::Error error, const std::string& url) {
  std::string what;
  switch (error) {
    case httplib::Error::Connection:
      what = "nothing answers there (connection refused or unreachable); is `sesame controller` or `sesame up` "
             "running with --listen at that address? Check --server / SESAME_SERVER";
      break;
    case httplib::Error::ConnectionTimeout:
      what = "the connection timed out; check the address and any firewall between";
      break;
    case httplib::Error::Read:
      what = "the server closed the connection while answering; see its log";
      break;
    case httplib::Error::Write:
      what = "the request could not be sent; the server closed the connection";
      break;
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
      what = "the TLS handshake failed; check the server's certificate and the https:// URL";
      break;
    default:
      what = httplib::to_string(error);
      break;
  }
  return UnavailableError("cannot reach the Sesame server at " + url + ": " + what);
}

// A Status from an error response (a Kubernetes-style Status body).
Status ErrorFrom(const httplib::Result& r, const std::string& url) {
  if (!r) return Unreachable(r.error(), url);
  json body = json::parse(r->body, nullptr, false);
  std::string message = body.is_object() && body.contains("message")
                            ? body["message"].get<std::string>()
                            : "HTTP " + std::to_string(r->status);
  if (r->status == 401) message += " (set SESAME_TOKEN)";
  return Status(CodeForHttp(r->status), message);
}

// A JSON response body; a server that sends something else is an error,
// not a crash.
Result<json> ParseBody(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InternalError("the server's answer is not a JSON object");
  return j;
}

// An object as the server sends it, status included.
Result<specs::Object> ObjectFromJson(const json& j) {
  json without_status = j;
  without_status.erase("status");
  auto parsed = specs::ParseManifests(without_status.dump(), "<server>");
  if (!parsed.ok() || parsed.objects.size() != 1) {
    return InternalError("the server sent an object this sesame cannot read: " + parsed.ErrorText());
  }
  specs::Object o = parsed.objects[0];
  if (j.contains("status")) o.status = specs::CanonicalJson(j["status"].dump());
  return o;
}

std::string Resource(const std::string& kind) {
  if (kind == specs::kKindGitSync) return "gitsyncs";
  if (kind == specs::kKindSandboxPool) return "pools";
  if (kind == specs::kKindSandboxQuota) return "quotas";
  return kind == specs::kKindSandboxTemplate ? "templates" : "sandboxes";
}

std::string Collection(const std::string& kind, const std::string& ns) {
  return ns.empty() ? "/v1/" + Resource(kind) : "/v1/namespaces/" + ns + "/" + Resource(kind);
}

std::string ObjectPath(const specs::ObjectKey& key) {
  return Collection(key.kind, key.namespace_) + "/" + key.name;
}

std::string Query(const httplib::Params& params) {
  return params.empty() ? "" : "?" + httplib::detail::params_to_query_str(params);
}

std::string FilesPath(const std::string& ns, const std::string& name, const std::string& path) {
  return "/v1/namespaces/" + ns + "/sandboxes/" + name + "/files" + Query({{"path", path}});
}

// Splits a stream into lines, across chunk boundaries.
class LineSplitter {
 public:
  template <typename F>
  bool Feed(const char* data, size_t n, F&& on_line) {
    buffer_.append(data, n);
    size_t start = 0;
    for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (!on_line(std::string_view(buffer_).substr(start, nl - start))) return false;
    }
    buffer_.erase(0, start);
    return true;
  }

 private:
  std::string buffer_;
};

// Decodes exec/attach frames (1 byte stream, 4 bytes big-endian length).
class FrameReader {
 public:
  template <typename F>
  void Feed(const char* data, size_t n, F&& on_frame) {
    buffer_.append(data, n);
    while (buffer_.size() >= 5) {
      uint32_t len = 0;
      for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(buffer_[1 + i]);
      if (buffer_.size() < 5 + len) return;
      on_frame(buffer_[0], std::string_view(buffer_).substr(5, len));
      buffer_.erase(0, 5 + len);
    }
  }

 private:
  std::string buffer_;
};

Result<Client::SecurityState> SecurityFrom(const std::string& text) {
  auto body = ParseBody(text);
  if (!body.ok()) return body.status();
  json probe = (*body).value("probe", json::object());
  json settings = *body;
  settings.erase("probe");
  auto parsed = reconcilers::AdminSettingsFromJson(settings.dump(), {});
  if (!parsed.ok()) return parsed.status();
  return Client::SecurityState{*parsed, probe.value("details", "")};
}

store::Violation ViolationFrom(const json& j) {
  store::Violation v;
  v.id = j.value("id", int64_t{0});
  json sandbox = j.value("sandbox", json::object());
  v.sandbox = {specs::kKindSandbox, sandbox.value("namespace", ""), sandbox.value("name", "")};
  v.sandbox_uid = sandbox.value("uid", "");
  v.time = ParseTime(j.value("time", "")).value_or(Time{});
  v.kind = j.value("kind", "");
  v.operation = j.value("operation", "");
  v.target = j.value("target", "");
  v.rule = j.value("rule", "");
  return v;
}

// labelSelector and, for one name, fieldSelector=metadata.name=NAME.
httplib::Params ListParams(const store::ListOptions& options) {
  httplib::Params params;
  if (!options.selector.empty()) params.emplace("labelSelector", options.selector.ToString());
  if (!options.name.empty()) params.emplace("fieldSelector", "metadata.name=" + options.name);
  return params;
}

std::string ViolationsPath(const store::ViolationFilter& filter, bool watch) {
  httplib::Params params;
  if (!filter.name.empty()) params.emplace("sandbox", filter.name);
  if (filter.after_id) params.emplace("after", std::to_string(filter.after_id));
  if (watch) params.emplace("watch", "true");
  std::string base = filter.namespace_.empty() ? "/v1/violations" : "/v1/namespaces/" + filter.namespace_ + "/violations";
  return base + Query(params);
}

class RemoteClient final : public Client {
 public:
  RemoteClient(std::string url, std::string token) : url_(std::move(url)), http_(url_) {
    Configure(http_);
    if (!token.empty()) headers_.emplace("Authorization", "Bearer " + token);
  }

  Result<std::vector<store::ApplyOutcome>> Apply(const std::vector<specs::Object>& objects,
                                                 const store::ApplyOptions& options) override {
    json body = json::array();
    for (const auto& o : objects) body.push_back(json::parse(specs::ObjectToJson(o, false)));
    httplib::Params params;
    if (options.dry_run) params.emplace("dryRun", "true");
    if (options.prune) params.emplace("prune", "true");
    if (!options.applyset.empty()) params.emplace("applyset", options.applyset);
    if (options.force_conflicts) params.emplace("forceConflicts", "true");
    auto r = http_.Post("/v1/apply" + Query(params), headers_, body.dump(), "application/json");
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    std::vector<store::ApplyOutcome> out;
    auto body_json = ParseBody(r->body);  // must outlive the loop
    if (!body_json.ok()) return body_json.status();
    for (const auto& item : (*body_json)["items"]) {
      store::ApplyOutcome o;
      o.key = {item["kind"], item["namespace"], item["name"]};
      std::string action = item["action"];
      o.action = action == "created"      ? store::ApplyAction::kCreated
                 : action == "configured" ? store::ApplyAction::kConfigured
                 : action == "pruned"     ? store::ApplyAction::kPruned
                                          : store::ApplyAction::kUnchanged;
      o.object.kind = o.key.kind;
      o.object.metadata.name = o.key.name;
      o.object.metadata.namespace_ = o.key.namespace_;
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<specs::Object> Get(const specs::ObjectKey& key) override {
    auto r = http_.Get(ObjectPath(key), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);
    if (!body.ok()) return body.status();
    return ObjectFromJson(*body);
  }

  Result<ObjectList> List(const store::ListOptions& options) override {
    httplib::Params params = ListParams(options);
    auto r = http_.Get(Collection(options.kind, options.namespace_) + Query(params), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto parsed = ParseBody(r->body);
    if (!parsed.ok()) return parsed.status();
    const json& body = *parsed;
    ObjectList list;
    auto version = ParseInteger(body["metadata"].value("resourceVersion", "0"), "the list's resourceVersion", 0);
    if (!version.ok()) return version.status();
    list.resource_version = *version;
    for (const auto& item : body["items"]) {
      auto o = ObjectFromJson(item);
      if (!o.ok()) return o.status();
      // A server that ignores fieldSelector sends the others too.
      if (MatchesList(*o, options)) list.items.push_back(std::move(o).value());
    }
    return list;
  }

  Status Delete(const specs::ObjectKey& key) override {
    auto r = http_.Delete(ObjectPath(key), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    return Status::Ok();
  }

  Result<specs::Object> Patch(const specs::ObjectKey& key, const std::string& merge_patch) override {
    auto r = http_.Patch(ObjectPath(key), headers_, merge_patch, "application/merge-patch+json");
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);
    if (!body.ok()) return body.status();
    return ObjectFromJson(*body);
  }

  Result<std::vector<store::Event>> ListEvents(const store::EventFilter& filter) override {
    std::string path = filter.namespace_.empty() ? "/v1/events" : "/v1/namespaces/" + filter.namespace_ + "/events";
    auto r = http_.Get(path, headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    std::vector<store::Event> out;
    auto body = ParseBody(r->body);  // must outlive the loop
    if (!body.ok()) return body.status();
    for (const auto& item : (*body)["items"]) {
      store::Event e;
      const auto& obj = item["involvedObject"];
      e.object = {obj["kind"], obj["namespace"], obj["name"]};
      if (filter.object && !(e.object == *filter.object)) continue;
      e.object_uid = obj.value("uid", "");
      e.type = item["type"];
      e.reason = item["reason"];
      e.message = item["message"];
      e.count = item["count"];
      e.first_timestamp = ParseTime(item["firstTimestamp"].get<std::string>()).value_or(Time{});
      e.last_timestamp = ParseTime(item["lastTimestamp"].get<std::string>()).value_or(Time{});
      out.push_back(std::move(e));
    }
    return out;
  }

  using Client::Watch;
  Status Watch(const store::ListOptions& options, int64_t resource_version, Millis timeout,
               const std::function<bool(const store::WatchEvent&)>& on_event) override {
    httplib::Params params = ListParams(options);
    params.emplace("watch", "true");
    params.emplace("resourceVersion", std::to_string(resource_version));
    if (timeout != Millis::max()) {
      // The server ends the stream then (whole seconds, rounded up).
      params.emplace("timeoutSeconds", std::to_string((timeout.count() + 999) / 1000));
    }
    LineSplitter lines;
    Status failure;
    auto r = http_.Get(Collection(options.kind, options.namespace_) + Query(params), headers_,
                       [&](const char* data, size_t n) {
                         return lines.Feed(data, n, [&](std::string_view line) {
                           if (line.empty()) return true;  // keep-alive
                           json e = json::parse(line, nullptr, false);
                           auto o = e.is_object() ? ObjectFromJson(e["object"]) : Result<specs::Object>(InternalError("bad watch line"));
                           if (!o.ok()) {
                             failure = o.status();
                             return false;
                           }
                           std::string type = e["type"];
                           store::WatchEvent event{o->metadata.resource_version,
                                                   type == "ADDED"     ? store::WatchType::kAdded
                                                   : type == "DELETED" ? store::WatchType::kDeleted
                                                                       : store::WatchType::kModified,
                                                   std::move(o).value()};
                           return !MatchesList(event.object, options) || on_event(event);
                         });
                       });
    if (!failure.ok()) return failure;
    if (r && r->status != 200) return ErrorFrom(r, url_);
    return Status::Ok();
  }

  Result<SecurityState> GetSecurity() override {
    auto r = http_.Get("/admin/sandbox", headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    return SecurityFrom(r->body);
  }

  Status SetSecurity(const security::AdminSettings& settings) override {
    auto r = http_.Put("/admin/sandbox", headers_, reconcilers::AdminSettingsToJson(settings), "application/json");
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    return Status::Ok();
  }

  Result<std::vector<store::Violation>> ListViolations(const store::ViolationFilter& filter) override {
    auto r = http_.Get(ViolationsPath(filter, false), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);  // must outlive the loop
    if (!body.ok()) return body.status();
    std::vector<store::Violation> out;
    for (const auto& item : (*body)["items"]) out.push_back(ViolationFrom(item));
    return out;
  }

  Result<std::vector<specs::Object>> ListSyncs(const std::string& ns) override {
    httplib::Params params;
    if (!ns.empty()) params.emplace("namespace", ns);
    auto r = http_.Get("/v1/syncs" + Query(params), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);  // must outlive the loop
    if (!body.ok()) return body.status();
    std::vector<specs::Object> out;
    for (const auto& item : (*body).value("items", json::array())) {
      // Directory syncs are no objects a manifest could hold: read loosely.
      specs::Object o;
      o.kind = item.value("kind", "");
      json meta = item.value("metadata", json::object());
      o.metadata.name = meta.value("name", "");
      o.metadata.namespace_ = meta.value("namespace", specs::kDefaultNamespace);
      o.metadata.uid = meta.value("uid", "");
      o.metadata.generation = meta.value("generation", int64_t{0});
      if (meta.contains("annotations") && meta["annotations"].is_object()) {
        o.metadata.annotations = meta["annotations"].get<specs::StringMap>();
      }
      if (meta.contains("creationTimestamp") && meta["creationTimestamp"].is_string()) {
        o.metadata.creation_timestamp = ParseTime(meta["creationTimestamp"].get<std::string>());
      }
      o.spec = specs::CanonicalJson(item.value("spec", json::object()).dump());
      o.status = specs::CanonicalJson(item.value("status", json::object()).dump());
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<std::string> ServerVersion() override {
    auto r = http_.Get("/version", headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);
    if (!body.ok()) return body.status();
    if (!(*body).contains("version") || !(*body)["version"].is_string()) {
      return InternalError("the server's /version names no version");
    }
    return (*body)["version"].get<std::string>();
  }

  Result<int> RequestSync(const std::string& ns, const std::string& name) override {
    httplib::Params params;
    if (!ns.empty()) params.emplace("namespace", ns);
    if (!name.empty()) params.emplace("name", name);
    auto r = http_.Post("/v1/sync" + Query(params), headers_, "", "application/json");
    if (!r || r->status != 202) return ErrorFrom(r, url_);
    return 1;
  }

  Status WatchViolations(const store::ViolationFilter& filter,
                         const std::function<bool(const store::Violation&)>& on_violation) override {
    LineSplitter lines;
    auto r = http_.Get(ViolationsPath(filter, true), headers_, [&](const char* data, size_t n) {
      return lines.Feed(data, n, [&](std::string_view line) {
        if (line.empty()) return true;  // keep-alive
        json j = json::parse(line, nullptr, false);
        return !j.is_object() || on_violation(ViolationFrom(j));
      });
    });
    if (r && r->status != 200) return ErrorFrom(r, url_);
    return Status::Ok();
  }

  Status Logs(const std::string& ns, const std::string& name, const providers::LogOptions& options,
              providers::Streams& streams) override {
    httplib::Params params;
    if (options.follow) params.emplace("follow", "true");
    if (options.timestamps) params.emplace("timestamps", "true");
    if (options.previous) params.emplace("previous", "true");
    if (options.tail) params.emplace("tailLines", std::to_string(*options.tail));
    if (options.since) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::Real().Now() - *options.since);
      params.emplace("sinceSeconds", std::to_string(secs.count()));
    }
    std::string path = "/v1/namespaces/" + ns + "/sandboxes/" + name + "/logs" + Query(params);
    std::string error_body;
    int status = 0;
    auto r = http_.Get(path, headers_,
                       [&](const httplib::Response& res) {
                         status = res.status;
                         return true;
                       },
                       [&](const char* data, size_t n) {
                         if (status != 200) {
                           error_body.append(data, n);
                           return true;
                         }
                         streams.on_stdout(std::string_view(data, n));
                         return !streams.cancelled();
                       });
    if (!r) return Unreachable(r.error(), url_);
    if (status != 200) {
      json body = json::parse(error_body, nullptr, false);
      return Status(CodeForHttp(status), body.is_object() ? body.value("message", "logs failed")
                                                          : "logs failed (HTTP " + std::to_string(status) + ")");
    }
    return Status::Ok();
  }

  Result<int> Exec(const std::string& ns, const std::string& name, const providers::ExecRequest& request,
                   providers::Streams& streams) override {
    httplib::Params params;
    for (const auto& arg : request.command) params.emplace("command", arg);
    if (request.stdin_open) params.emplace("stdin", "true");
    if (request.tty) params.emplace("tty", "true");
    return Stream(SandboxPath(ns, name), "exec", params, request.stdin_open, streams);
  }

  Status Attach(const std::string& ns, const std::string& name, providers::Streams& streams) override {
    auto code = Stream(SandboxPath(ns, name), "attach", {}, true, streams);
    return code.ok() ? Status::Ok() : code.status();
  }

  Result<std::string> PortUrl(const std::string& ns, const std::string& name, int port) override {
    auto r = http_.Get("/v1/namespaces/" + ns + "/sandboxes/" + name + "/portforward" +
                           Query({{"port", std::to_string(port)}}),
                       headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    auto body = ParseBody(r->body);
    if (!body.ok()) return body.status();
    if (!(*body).contains("url") || !(*body)["url"].is_string()) return InternalError("the server named no address");
    return (*body)["url"].get<std::string>();
  }

  Result<std::string> ReadFile(const std::string& ns, const std::string& name, const std::string& path) override {
    auto r = http_.Get(FilesPath(ns, name, path), headers_);
    if (!r || r->status != 200) return ErrorFrom(r, url_);
    return r->body;
  }

  Status WriteFile(const std::string& ns, const std::string& name, const std::string& path,
                   const std::string& content) override {
    auto r = http_.Put(FilesPath(ns, name, path), headers_, content, "application/octet-stream");
    if (!r || (r->status != 204 && r->status != 200)) return ErrorFrom(r, url_);
    return Status::Ok();
  }

 private:
  static void Configure(httplib::Client& http) {
    http.set_connection_timeout(std::chrono::seconds(5));
    http.set_read_timeout(std::chrono::hours(24));  // watches and follows run long
    // A server with a private CA (or a self-signed certificate) is trusted
    // through SESAME_CA_FILE; the system's CAs otherwise.
    if (const char* ca = std::getenv("SESAME_CA_FILE"); ca != nullptr && *ca != '\0') {
      http.set_ca_cert_path(ca);
    }
  }

  static std::string SandboxPath(const std::string& ns, const std::string& name) {
    return "/v1/namespaces/" + ns + "/sandboxes/" + name;
  }

  // Plays the framed output of exec or attach (`what`) back as it comes and
  // returns the exit code frame's value. With stdin, input goes as it is
  // read: a thread of its own POSTs each chunk to SANDBOX/stdin/ID (named
  // by the response's X-Sesame-Stdin header), since this connection is
  // busy with the response.
  Result<int> Stream(const std::string& sandbox, const std::string& what, httplib::Params params,
                     bool with_stdin, providers::Streams& streams) {
    with_stdin = with_stdin && static_cast<bool>(streams.read_stdin);
    if (with_stdin) params.emplace("interactive", "true");
    FrameReader frames;
    int exit_code = 0;
    Status failure;
    std::string error_body;
    int status = 0;
    std::atomic<bool> over = false;
    std::thread sender;
    httplib::Request req;
    req.method = "POST";
    req.path = sandbox + "/" + what + Query(params);
    req.headers = headers_;
    req.set_header("Content-Type", "application/octet-stream");
    req.response_handler = [&](const httplib::Response& res) {
      status = res.status;
      if (status != 200 || !with_stdin) return true;
      std::string id = res.get_header_value("X-Sesame-Stdin");
      if (id.empty()) {
        failure = UnsupportedError("the server at " + url_ + " does not take input as it is typed (upgrade it)");
        return false;
      }
      sender = std::thread([this, path = sandbox + "/stdin/" + id, &streams, &over] {
        SendStdin(path, streams, over);
      });
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (status != 200) {
        error_body.append(data, n);
        return true;
      }
      frames.Feed(data, n, [&](char stream, std::string_view payload) {
        if (stream == 1) streams.on_stdout(payload);
        else if (stream == 2) streams.on_stderr(payload);
        else if (stream == 3) {
          auto code = ParseInteger(payload, "the exit code frame", INT32_MIN, INT32_MAX);
          if (code.ok()) exit_code = static_cast<int>(*code);
          else failure = code.status();
        }
        else failure = UnavailableError(std::string(payload));
      });
      return true;
    };
    auto r = http_.send(req);
    over = true;
    if (sender.joinable()) sender.join();
    if (!failure.ok()) return failure;
    if (!r) return Unreachable(r.error(), url_);
    if (status != 200) {
      json body = json::parse(error_body, nullptr, false);
      return Status(CodeForHttp(status), body.is_object() ? body.value("message", "") : error_body);
    }
    return exit_code;
  }

  // Sends stdin to `path` a chunk at a time as read_stdin gives it, then
  // the end of input; stops early once `over` (the command has ended) or
  // when the server no longer takes it.
  void SendStdin(const std::string& path, providers::Streams& streams, const std::atomic<bool>& over) {
    httplib::Client http(url_);
    Configure(http);
    http.set_keep_alive(true);
    std::string chunk;
    while (!over) {
      chunk.clear();
      bool more = streams.read_stdin(chunk);
      if (over) return;
      if (more && chunk.empty()) continue;  // nothing typed yet
      while (!over) {
        auto r = http.Post(more ? path : path + "?end=true", headers_, chunk, "application/octet-stream");
        if (r && r->status == 429) {  // the command is not reading yet
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        if (!r || r->status != 204) {
          // 404: the command ended meanwhile; anything else is worth saying.
          if (!r || r->status != 404) {
            streams.on_stderr("sesame: input not sent: " + ErrorFrom(r, url_).message() + "\r\n");
          }
          return;
        }
        break;
      }
      if (!more) return;
    }
  }

  std::string url_;
  httplib::Client http_;
  httplib::Headers headers_;
};

}  // namespace

Result<std::unique_ptr<Client>> NewRemoteClient(const std::string& url, const std::string& token) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidError("--server: \"" + url + "\" is not a URL (use http://HOST:PORT)");
  }
  return std::unique_ptr<Client>(new RemoteClient(url, token));
}

}  // namespace sesame::cli
