#pragma once
// Requests and responses of the HTTP API, free of any HTTP library, so the
// handlers can be tested without a server and cpp-httplib stays in one file
// (api_server.cc).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::controller::api {

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  // Whether the client has closed its connection: a long handler checks it
  // between steps and stops early. Unset in tests that build requests.
  std::function<bool()> client_gone;
  bool ClientGone() const { return client_gone && client_gone(); }

  std::string Query(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> QueryAll(const std::string& name) const;
  // A whole-number parameter in [min, max]; `fallback` when absent. Text
  // that is not such a number ("abc", "12x") is a kInvalid error naming
  // the parameter (HTTP 400), never read as 0.
  Result<int64_t> QueryInteger(const std::string& name, int64_t fallback, int64_t min = INT64_MIN,
                               int64_t max = INT64_MAX) const;
  std::string Header(const std::string& lower_name) const;
  // Where a stream resumes: the Last-Event-ID header that a browser's
  // EventSource sends when it reconnects (to the URL it started with),
  // else the query parameter `name`; 0 when neither is there. Both are
  // checked like QueryInteger (at least `min`).
  Result<int64_t> ResumeFrom(const std::string& name, int64_t min = INT64_MIN) const;
};

// Writes a chunk of a streamed body; returns false once the client is gone.
using ChunkWriter = std::function<bool(std::string_view chunk)>;
// Reads the next chunk of a streamed request body; returns false at its end.
using ChunkReader = std::function<bool(std::string& chunk)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body instead: text shared with other responses (a cached
  // list), sent without a copy.
  std::shared_ptr<const std::string> shared_body;
  std::map<std::string, std::string> headers;
  // When set, the body is streamed: the function writes chunks until done
  // or the client goes away.
  std::function<void(const ChunkWriter&)> stream;
};

}  // namespace sesame::controller::api
