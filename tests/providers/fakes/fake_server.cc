#include "tests/providers/fakes/fake_server.h"

#include <httplib.h>

#include "common/mutex.h"

namespace sesame::fakes {

std::string RecordedRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

std::string RecordedRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

FakeServer::FakeServer() : server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [] { return new httplib::ThreadPool(64); };
  server_->set_keep_alive_max_count(1000);
  // Stop waits for idle keep-alive connections to time out.
  server_->set_keep_alive_timeout(1);
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    std::chrono::milliseconds latency;
    {
      MutexLock lock(mu_);
      latency = latency_;
      arrivals_.push_back(req.method + " " + req.path);
    }
    if (latency.count() > 0) Sleep(latency);
    return ApplyFault(req, res) ? httplib::Server::HandlerResponse::Handled
                                : httplib::Server::HandlerResponse::Unhandled;
  });
  // Recorded once answered: only then has the body been read.
  server_->set_logger([this](const httplib::Request& req, const httplib::Response&) {
    RecordedRequest r{req.method, req.path, {}, {}, req.body};
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    MutexLock lock(mu_);
    requests_.push_back(std::move(r));
  });
}

FakeServer::~FakeServer() { Stop(); }

void FakeServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::make_unique<std::thread>([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeServer::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_) {
    server_->stop();
    thread_->join();
    thread_.reset();
  }
}

void FakeServer::Sleep(std::chrono::milliseconds d) {
  MutexLock lock(mu_);
  lock.WaitFor(stop_cv_, d, [this] {
    mu_.AssertHeld();
    return stopping_;
  });
}

void FakeServer::InjectFault(const std::string& prefix, Fault fault) {
  MutexLock lock(mu_);
  faults_.emplace_back(prefix, std::move(fault));
}

void FakeServer::ClearFaults() {
  MutexLock lock(mu_);
  faults_.clear();
}

void FakeServer::SetLatency(std::chrono::milliseconds latency) {
  MutexLock lock(mu_);
  latency_ = latency;
}

bool FakeServer::ApplyFault(const httplib::Request& req, httplib::Response& res) {
  std::string key = req.method + " " + req.path;
  Fault fault;
  {
    MutexLock lock(mu_);
    auto it = std::find_if(faults_.begin(), faults_.end(),
                           [&](const auto& f) { return key.rfind(f.first, 0) == 0; });
    if (it == faults_.end()) return false;
    fault = it->second;
    if (--it->second.times <= 0) faults_.erase(it);
  }
  if (fault.delay.count() > 0) Sleep(fault.delay);
  if (fault.close_connection) {
    res.status = 500;
    res.set_header("Connection", "close");
    return true;
  }
  if (fault.status == 0) return false;
  res.status = fault.status;
  for (const auto& [k, v] : fault.headers) res.set_header(k, v);
  res.set_content(fault.body, fault.content_type.c_str());
  return true;
}

void FakeServer::Handle(const std::string& method, const std::string& path,
                        std::function<SimpleResponse(const RecordedRequest&)> handler) {
  auto h = [this, handler](const httplib::Request& req, httplib::Response& res) {
    RecordedRequest r{req.method, req.path, {}, {}, req.body};
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    SimpleResponse out = handler(r);
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    if (out.chunks.empty()) {
      res.set_content(out.body, out.content_type.c_str());
      return;
    }
    res.set_chunked_content_provider(out.content_type, [this, out](size_t, httplib::DataSink& sink) {
      for (const auto& c : out.chunks) {
        if (!sink.write(c.data(), c.size())) return false;
        if (out.chunk_delay.count() > 0) Sleep(out.chunk_delay);
      }
      sink.done();
      return true;
    });
  };
  if (method == "GET") server_->Get(path, h);
  else if (method == "POST") server_->Post(path, h);
  else if (method == "PUT") server_->Put(path, h);
  else if (method == "DELETE") server_->Delete(path, h);
  else if (method == "PATCH") server_->Patch(path, h);
}

std::vector<RecordedRequest> FakeServer::requests() const {
  MutexLock lock(mu_);
  return requests_;
}

int FakeServer::CountRequests(const std::string& prefix) const {
  MutexLock lock(mu_);
  int n = 0;
  for (const auto& a : arrivals_) {
    if (a.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

void FakeServer::ClearRequests() {
  MutexLock lock(mu_);
  requests_.clear();
  arrivals_.clear();
}

}  // namespace sesame::fakes
