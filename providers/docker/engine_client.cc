#include "providers/docker/engine_client.h"

#include "providers/http/curl_library.h"

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "providers/http/curl_transfer.h"

namespace sesame::providers::docker {
namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr size_t kMaxIdleHandles = 16;

}  // namespace

EngineClient::EngineClient(std::string socket_path, Millis default_timeout)
    : socket_path_(std::move(socket_path)), default_timeout_(default_timeout) {}

EngineClient::~EngineClient() {
  for (void* h : idle_handles_) libcurl::easy_cleanup(static_cast<CURL*>(h));
}

void* EngineClient::TakeHandle() {
  {
    MutexLock lock(mutex_);
    if (!idle_handles_.empty()) {
      void* h = idle_handles_.back();
      idle_handles_.pop_back();
      libcurl::easy_reset(static_cast<CURL*>(h));
      return h;
    }
  }
  return libcurl::easy_init();
}

void EngineClient::ReturnHandle(void* handle) {
  MutexLock lock(mutex_);
  if (idle_handles_.size() < kMaxIdleHandles) {
    idle_handles_.push_back(handle);
  } else {
    libcurl::easy_cleanup(static_cast<CURL*>(handle));
  }
}

Result<std::string> EngineClient::ApiVersion() {
  {
    MutexLock lock(mutex_);
    if (api_version_) return *api_version_;
  }
  HttpRequest ping;
  ping.path = "/_ping";
  Result<HttpResponse> r = Perform(ping, /*versioned=*/false, nullptr, nullptr);
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return DaemonUnavailable(socket_path_, "GET /_ping answered " + std::to_string(r->status) +
                                               ": " + EngineMessage(r->body));
  }
  auto it = r->headers.find("api-version");
  std::string server = it == r->headers.end() ? kMinApiVersion : it->second;
  if (CompareVersions(server, kMinApiVersion) < 0) {
    return TerminalError("the Docker Engine at " + socket_path_ + " speaks API " + server +
                         "; Sesame needs at least " + kMinApiVersion)
        .WithReason("EngineTooOld");
  }
  std::string chosen = CompareVersions(server, kMaxApiVersion) < 0 ? server : kMaxApiVersion;
  MutexLock lock(mutex_);
  api_version_ = chosen;
  return chosen;
}

Result<HttpResponse> EngineClient::Call(const HttpRequest& request) {
  return Perform(request, /*versioned=*/true, nullptr, nullptr);
}

Result<HttpResponse> EngineClient::Stream(const HttpRequest& request,
                                          const std::function<bool(std::string_view)>& on_data,
                                          const std::function<bool()>& cancelled) {
  return Perform(request, /*versioned=*/true, &on_data, &cancelled);
}

Result<HttpResponse> EngineClient::Perform(const HttpRequest& request, bool versioned,
                                           const std::function<bool(std::string_view)>* on_data,
                                           const std::function<bool()>* cancelled) {
  std::string prefix;
  if (versioned) {
    Result<std::string> version = ApiVersion();
    if (!version.ok()) return version.status();
    prefix = "/v" + *version;
  }
  std::string url = "http://docker" + prefix + request.path;
  CURL* curl = static_cast<CURL*>(TakeHandle());
  if (curl == nullptr) return InternalError("curl_easy_init failed");
  HttpResponse response;
  http::CurlTransfer t;
  t.headers = &response.headers;
  t.body = &response.body;
  t.on_chunk = on_data;
  t.cancelled = cancelled;
  curl_slist* headers = nullptr;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    headers = libcurl::slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  }
  headers = libcurl::slist_append(headers, "Expect:");
  libcurl::easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  libcurl::easy_setopt(curl, CURLOPT_URL, url.c_str());
  libcurl::easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") libcurl::easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    libcurl::easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    libcurl::easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  libcurl::easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  t.Install(curl);
  libcurl::easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  libcurl::easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  Millis timeout = request.timeout.value_or(on_data ? Millis(0) : default_timeout_);
  libcurl::easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  CURLcode rc = libcurl::easy_perform(curl);
  libcurl::easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  libcurl::slist_free_all(headers);
  bool stopped = t.stopped || t.cancelled_hit;  // asked for: no engine failure
  if (rc != CURLE_OK && !stopped) {
    libcurl::easy_cleanup(curl);
    std::string detail = libcurl::easy_strerror(rc);
    if (response.status != 0) {
      return UnavailableError(request.method + " " + request.path + ": " + detail)
          .WithReason("DaemonUnavailable");
    }
    return DaemonUnavailable(socket_path_, detail);
  }
  if (stopped) {
    libcurl::easy_cleanup(curl);  // the connection is mid-response: do not reuse it
  } else {
    ReturnHandle(curl);
  }
  return response;
}

std::string EngineMessage(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  std::string text = body;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

Status StatusFromResponse(const HttpResponse& response, const std::string& what) {
  long s = response.status;
  if ((s >= 200 && s < 300) || s == 304) return Status::Ok();
  std::string message = what + ": " + EngineMessage(response.body);
  if (s == 404) return NotFoundError(message);
  if (s == 400) return InvalidError(message);
  if (s == 409) return TerminalError(message);
  if (s >= 500) return UnavailableError(message).WithReason("EngineError");
  return TerminalError(message + " (HTTP " + std::to_string(s) + ")");
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int CompareVersions(std::string_view a, std::string_view b) {
  auto parts = [](std::string_view v) {
    std::vector<long> out;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t dot = v.find('.', pos);
      if (dot == std::string_view::npos) dot = v.size();
      out.push_back(std::strtol(std::string(v.substr(pos, dot - pos)).c_str(), nullptr, 10));
      pos = dot + 1;
    }
    return out;
  };
  std::vector<long> x = parts(a), y = parts(b);
  for (size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    long p = i < x.size() ? x[i] : 0, q = i < y.size() ? y[i] : 0;
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

Status DaemonUnavailable(const std::string& socket_path, const std::string& detail) {
  return UnavailableError("cannot reach the Docker daemon at " + socket_path + " (" + detail +
                          "); is dockerd running?")
      .WithReason("DaemonUnavailable");
}

}  // namespace sesame::providers::docker
