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
#include <string>

#include "controller/api/api_handlers.h"
#include "controller/api/http_types.h"
#include "controller/api/stdin_queues.h"

namespace sesame::controller::api {

class TerminalBroker {
 public:
  explicit TerminalBroker(const ApiContext& context) : ctx_(context) {}

  HttpResponse Open(const std::string& ns, const std::string& name);
  // `allowed(ns)`: whether the caller may act in the terminal's namespace.
  HttpResponse Input(const std::string& id, std::string data,
                     const std::function<bool(const std::string& ns)>& allowed);

 private:
  const ApiContext& ctx_;
  StdinQueues queues_;  // each terminal's input, owned by its namespace
};

}  // namespace sesame::controller::api
