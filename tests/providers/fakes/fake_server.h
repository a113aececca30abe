#pragma once
// An in-process HTTP server on 127.0.0.1 (port 0) for provider tests and
// benchmarks, with fault injection: a fault answers (or delays) the next N
// requests whose "METHOD /path" starts with a prefix. Every request is
// recorded for assertions. cpp-httplib stays inside the .cc files.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <condition_variable>
#include <thread>
#include <string>
#include <vector>

#include "common/mutex.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sesame::fakes {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;  // decoded query
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string Param(const std::string& name) const;
  std::string Header(const std::string& name) const;
};

struct Fault {
  int status = 0;  // 0: no answer of its own (only the delay)
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
  int times = 1;
  bool close_connection = false;  // drop the connection without answering
};

// A canned answer for FakeServer::Handle; `chunks` non-empty: the body is
// streamed (chunked), one write per element.
struct SimpleResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> chunks;
  std::chrono::milliseconds chunk_delay{0};
};

class FakeServer {
 public:
  FakeServer();
  virtual ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Binds 127.0.0.1:0 and serves on a thread.
  void Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // `prefix` is matched against "METHOD /path" (e.g. "POST /sandboxes").
  void InjectFault(const std::string& prefix, Fault fault);
  void ClearFaults();
  // Added to every request (benchmarks).
  void SetLatency(std::chrono::milliseconds latency);
  // A route answered by `handler` (method "GET", "POST", ...; exact path).
  void Handle(const std::string& method, const std::string& path,
              std::function<SimpleResponse(const RecordedRequest&)> handler);

  std::vector<RecordedRequest> requests() const;
  // Requests (answered or not) whose "METHOD /path" starts with `prefix`.
  int CountRequests(const std::string& prefix) const;
  void ClearRequests();

 protected:
  httplib::Server& server() { return *server_; }
  // Sleeps up to `d`, waking early when the server stops.
  void Sleep(std::chrono::milliseconds d);
  bool stopping() const {
    MutexLock lock(mu_);
    return stopping_;
  }

 private:
  bool ApplyFault(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::unique_ptr<std::thread> thread_;
  mutable Mutex mu_;
  std::vector<std::pair<std::string, Fault>> faults_ GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ GUARDED_BY(mu_);  // once answered
  std::vector<std::string> arrivals_ GUARDED_BY(mu_);      // "METHOD /path"
  std::chrono::milliseconds latency_ GUARDED_BY(mu_){0};
  bool stopping_ GUARDED_BY(mu_) = false;
  std::condition_variable_any stop_cv_;
};

}  // namespace sesame::fakes
