#pragma once
// Calls to envd, the daemon inside an E2B sandbox: process.Process over the
// Connect protocol (JSON; Start is server-streaming) and the /files HTTP
// endpoints. One EnvdClient per call site; cheap to make.

#include <string>
#include <vector>

#include "common/status.h"
#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace sesame::providers::e2b {

struct EnvdTarget {
  std::string base_url;      // e.g. https://sandbox.e2b.app
  std::string sandbox_id;
  std::string access_token;  // envdAccessToken; empty when not secure
  std::string user;
};

struct ProcessSpec {
  std::vector<std::string> args;  // for /bin/bash: {"-l", "-c", script}
  std::vector<std::pair<std::string, std::string>> envs;
  std::string tag;
  Millis timeout{0};  // Connect-Timeout-Ms: the process's lifetime limit
};

class EnvdClient {
 public:
  EnvdClient(http::HttpClient& http, EnvdTarget target)
      : http_(http), target_(std::move(target)) {}

  // Process/Start, streaming stdout and stderr until the process ends;
  // returns its exit code. With `detach`, returns right after the start
  // event (the process keeps running) with exit code 0.
  Result<int> Run(const ProcessSpec& spec, Streams& streams, bool detach,
                  const std::vector<std::string>& secrets);
  // Process/SendSignal SIGKILL to the process with `tag`; gone is fine.
  Status KillTag(const std::string& tag);

  Result<std::string> ReadFile(const std::string& path);
  Status WriteFile(const std::string& path, const std::string& content);

 private:
  std::vector<std::pair<std::string, std::string>> Headers(const std::string& content_type) const;
  std::string FilesUrl(const std::string& path) const;

  http::HttpClient& http_;
  EnvdTarget target_;
};

// A Status for a Connect error ({"code":"not_found","message":...}) or an
// envd HTTP error ({"code":401,"message":...}) body.
Status EnvdError(const http::Response& response, const std::string& what);
Status ConnectCodeStatus(const std::string& code, const std::string& message);

}  // namespace sesame::providers::e2b
