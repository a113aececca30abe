#pragma once
// The web console's server side: its pages (`/`, `/violations`, `/syncs`,
// `/sandboxes/NS/NAME`, `/login`, and `/admin/sandbox` for a browser), the
// files they load (compiled in, see web/assets.h), the login session that
// turns a token into a cookie, the CSRF rules for changes, and the terminal.
// Everything else the pages show comes from the ordinary API routes (the
// sandboxes page lists from its own route, then watches the ordinary one).
//
// Routes of its own (docs/api.md, "The web console"):
//   GET  /console/assets/FILE    the console's files
//   GET  /console/session        who the browser is: {"tokens","authenticated",
//                                "grants":[{"namespace","write"}],"csrf",
//                                "securityLock","agentPresets","version"}
//   GET  /console/sandboxes[?namespace=NS]  the sandboxes page's list, each
//                                item cut down to its table (console_rows.h)
//   POST /console/login          {"token":"..."} -> the session cookie
//   POST /console/logout
//   POST /console/terminal...    see console_terminal.h
//
// Thread safety: every method may be called from many threads at once.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "controller/api/api_handlers.h"
#include "controller/api/auth.h"
#include "controller/api/console_sessions.h"
#include "controller/api/console_terminal.h"
#include "controller/api/http_types.h"

namespace sesame::controller::api {

class Console {
 public:
  // `tokens` null: the API needs no token (loopback), so neither does the
  // console. Both are borrowed and outlive the console.
  Console(ApiHandlers& handlers, const TokenTable* tokens, bool https);

  // What a browser loads before it has logged in: the pages, their files,
  // the session and login routes. The server lets these through without a
  // token; the data the pages then fetch needs one.
  static bool IsPublic(const std::string& method, const std::string& path, const std::string& accept);

  // The Authorization header to check a request with: its own, or
  // "Bearer TOKEN" for the session its cookie names; "" for neither.
  std::string Credential(const std::string& authorization, const std::string& cookie) const;

  // 403 for a change (any method but GET and HEAD) that a browser sent from
  // another site, or that rides on the session cookie without the
  // session's CSRF token in X-Sesame-Csrf; and, without tokens, for a
  // browser's request whose Host is not a loopback name (DNS rebinding).
  std::optional<HttpResponse> RefuseForgery(const HttpRequest& r) const;

  // The console's routes; nullopt for every other request. `allowed(ns)`
  // as for ApiHandlers::Handle, already aware of read-only tokens.
  std::optional<HttpResponse> Handle(const HttpRequest& r,
                                     const std::function<bool(const std::string& ns)>& allowed);

 private:
  HttpResponse Page() const;
  // The page with {"session": ..., "sandboxes": GET /console/sandboxes} in
  // a JSON data block (id console-data), for the caller who asked for it;
  // nullopt when the list fails.
  std::optional<HttpResponse> PageWithData(const HttpRequest& r) const;
  HttpResponse AssetResponse(const HttpRequest& r, std::string path) const;
  HttpResponse SessionInfo(const HttpRequest& r) const;
  HttpResponse Login(const HttpRequest& r);
  HttpResponse Logout(const HttpRequest& r);
  std::string SessionCookie(const std::string& value, int max_age_seconds) const;

  ApiHandlers& handlers_;
  const TokenTable* tokens_;
  bool https_;
  ConsoleSessions sessions_;
  TerminalBroker terminals_;
};

// A request that changes something: every method but GET, HEAD and OPTIONS.
bool IsChange(const std::string& method);

}  // namespace sesame::controller::api
