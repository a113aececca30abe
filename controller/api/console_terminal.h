#pragma once
// The console's terminal: a browser cannot stream a request body while it
// reads the response over HTTP/1.1, so the session's stdin and output are
// split in two requests around one provider Attach:
//
//   POST /console/terminal?namespace=NS&name=NAME
//       attaches and streams the session's output (raw bytes) for as long
//       as the browser reads it; the header X-Sesame-Terminal names it.
//   POST /console/terminal/ID/input
//       the body goes to the session's stdin (204); 404 once it is closed.
//
// Closing the first request detaches; the session goes on.
// Thread safety: every method may be called from many threads at once.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controller/api/api_handlers.h"
#include "controller/api/http_types.h"

namespace sesame::controller::api {

class TerminalBroker {
 public:
  explicit TerminalBroker(const ApiContext& context) : ctx_(context) {}

  HttpResponse Open(const std::string& ns, const std::string& name);
  // `allowed(ns)`: whether the caller may act in the terminal's namespace.
  HttpResponse Input(const std::string& id, std::string data,
                     const std::function<bool(const std::string& ns)>& allowed);

  static constexpr size_t kMaxTerminals = 64;
  static constexpr size_t kMaxPendingInput = 1 << 20;  // bytes not yet taken by the session

  struct Terminal;

 private:
  const ApiContext& ctx_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Terminal>> terminals_;  // GUARDED_BY(mu_)
};

}  // namespace sesame::controller::api
