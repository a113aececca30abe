#include "controller/api/console.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "controller/api/api_errors.h"
#include "controller/api/api_server.h"
#include "controller/api/console_rows.h"
#include "security/agent_presets.h"
#include "web/assets.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

constexpr char kAssetPrefix[] = "/console/assets";
// No inline script or style anywhere: the pages load their code and styles
// from our own origin only, and may not be framed.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void SecureHeaders(HttpResponse& r) {
  r.headers["Content-Security-Policy"] = kContentSecurityPolicy;
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["X-Frame-Options"] = "DENY";
  r.headers["Referrer-Policy"] = "no-referrer";
}

HttpResponse Json(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump() + "\n";
  r.headers["Cache-Control"] = "no-store";
  return r;
}

// The sandboxes table's list (console_rows.h), cached apart.
const ListCache::Projection kConsoleRows{"console-rows", AppendConsoleRow};

bool IsPage(const std::string& path) {
  static const std::regex kSandbox(R"(^/sandboxes/[a-z0-9-]+/[a-z0-9-]+$)");
  return path == "/" || path == "/violations" || path == "/syncs" || path == "/pools" || path == "/login" ||
         std::regex_match(path, kSandbox);
}

// /admin/sandbox is also the settings API: a browser's navigation asks for
// HTML first; fetch() and API clients get JSON.
bool WantsHtml(const std::string& accept) { return accept.find("text/html") != std::string::npos; }

// "http://127.0.0.1:7777" -> "127.0.0.1:7777".
std::string OriginHost(const std::string& origin) {
  auto scheme = origin.find("://");
  return scheme == std::string::npos ? origin : origin.substr(scheme + 3);
}

std::optional<std::string> SecurityLock() {
  const char* value = std::getenv("SANDBOX_SECURITY_ENABLED");
  if (value == nullptr) return std::nullopt;
  return std::string("SANDBOX_SECURITY_ENABLED=") + value + " is set in the controller's environment";
}

}  // namespace

bool IsChange(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

Console::Console(ApiHandlers& handlers, const TokenTable* tokens, bool https)
    : handlers_(handlers), tokens_(tokens), https_(https), terminals_(handlers.context()) {}

bool Console::IsPublic(const std::string& method, const std::string& path, const std::string& accept) {
  if (path == "/console/login" || path == "/console/logout") return method == "POST";
  if (method != "GET") return false;
  return IsPage(path) || path == "/console/session" || path.rfind(std::string(kAssetPrefix) + "/", 0) == 0 ||
         (path == "/admin/sandbox" && WantsHtml(accept));
}

std::string Console::Credential(const std::string& authorization, const std::string& cookie) const {
  if (!authorization.empty() || !tokens_) return authorization;
  auto session = sessions_.Find(CookieValue(cookie, kSessionCookie));
  return session ? "Bearer " + session->token : "";
}

namespace {

// "127.0.0.1:7777" -> "127.0.0.1"; "[::1]:7777" -> "::1".
std::string HostName(const std::string& host) {
  if (!host.empty() && host.front() == '[') return host.substr(1, host.find(']') - 1);
  return host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
}

}  // namespace

std::optional<HttpResponse> Console::RefuseForgery(const HttpRequest& r) const {
  // Without tokens the API trusts whoever reaches loopback; a web page whose
  // own name was made to resolve to 127.0.0.1 (DNS rebinding) reaches it
  // too, but its requests name that other host. Browsers mark their
  // requests (Sec-Fetch-Site, Origin); other clients may name any host.
  std::string host = r.Header("host");
  bool browser = !r.Header("sec-fetch-site").empty() || !r.Header("origin").empty();
  if (!tokens_ && browser && !host.empty() && !IsLoopbackHost(HostName(host))) {
    return ErrorResponse(403, "Host \"" + host + "\" is not a loopback name: without --token-file the API answers "
                              "only requests addressed to 127.0.0.1, ::1 or localhost");
  }
  if (!IsChange(r.method)) return std::nullopt;
  // Browsers say where a request comes from; CLIs and webhooks send neither
  // header. A form or script on another site must not change anything, with
  // or without tokens (on loopback there are none to steal).
  std::string origin = r.Header("origin");
  if (!origin.empty() && origin != "null" && OriginHost(origin) != r.Header("host")) {
    return ErrorResponse(403, "cross-site request refused (Origin " + origin + ")");
  }
  std::string site = r.Header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") {
    return ErrorResponse(403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
  }
  if (!tokens_ || !r.Header("authorization").empty()) return std::nullopt;
  auto session = sessions_.Find(CookieValue(r.Header("cookie"), kSessionCookie));
  if (session && !ConstantTimeEquals(session->csrf, r.Header(kCsrfHeader))) {
    return ErrorResponse(403, "a change needs the session's CSRF token in X-Sesame-Csrf (reload the page)");
  }
  return std::nullopt;
}

std::optional<HttpResponse> Console::Handle(const HttpRequest& r,
                                            const std::function<bool(const std::string&)>& allowed) {
  static const std::regex kTerminalInput(R"(^/console/terminal/([0-9a-f]+)/input$)");
  std::smatch m;
  std::optional<HttpResponse> out;
  const std::string& path = r.path;
  if (r.method == "GET" && (IsPage(path) || (path == "/admin/sandbox" && WantsHtml(r.Header("accept"))))) {
    // The sandboxes page for a caller who reads every namespace carries its
    // session and list as data, so nothing waits for two more requests.
    if (path == "/" && allowed("")) out = PageWithData(r);
    if (!out) {
      out = Page();
      // What every page asks first (its session): the browser starts it
      // with the page instead of after the scripts; api.js asks for the
      // same URL the same way and gets this answer.
      out->headers["Link"] = "</console/session>; rel=preload; as=fetch; crossorigin=anonymous";
    }
  } else if (r.method == "GET" && path.rfind(std::string(kAssetPrefix) + "/", 0) == 0) {
    out = AssetResponse(r, path.substr(std::string(kAssetPrefix).size()));
  } else if (path == "/console/sandboxes") {
    // The sandboxes table's first list, cut down (console_rows.h); its
    // changes come from the ordinary watch, from this list's version.
    std::string ns = r.Query("namespace");
    if (r.method != "GET") out = ErrorResponse(405, "use GET /console/sandboxes");
    else if (!allowed(ns)) out = ErrorResponse(403, ns.empty() ? "this token may not list across namespaces"
                                                               : "this token may not act in namespace " + ns);
    else out = handlers_.List(r, specs::kKindSandbox, ns, &kConsoleRows);
  } else if (path == "/console/session") {
    out = r.method == "GET" ? SessionInfo(r) : ErrorResponse(405, "use GET /console/session");
  } else if (path == "/console/login") {
    out = r.method == "POST" ? Login(r) : ErrorResponse(405, "use POST /console/login");
  } else if (path == "/console/logout") {
    out = r.method == "POST" ? Logout(r) : ErrorResponse(405, "use POST /console/logout");
  } else if (path == "/console/terminal") {
    std::string ns = r.Query("namespace", "default");
    if (r.method != "POST") out = ErrorResponse(405, "use POST /console/terminal");
    else if (!allowed(ns)) out = ErrorResponse(403, "this token may not act in namespace " + ns);
    else out = terminals_.Open(ns, r.Query("name"));
  } else if (std::regex_match(path, m, kTerminalInput)) {
    out = r.method == "POST" ? terminals_.Input(m[1], r.body, allowed)
                             : ErrorResponse(405, "use POST to send input");
  }
  if (out) SecureHeaders(*out);
  return out;
}

HttpResponse Console::Page() const {
  // The page names its files under this build's id (web::AssetsId), so a
  // browser loads them once and a reload asks only for the page and data.
  static const std::string body = [] {
    const web::Asset* index = web::FindAsset("/index.html");
    std::string text(index->body);
    std::string from = std::string(kAssetPrefix) + "/";
    std::string to = from + std::string(web::AssetsId()) + "/";
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  }();
  HttpResponse r;
  r.content_type = std::string(web::FindAsset("/index.html")->content_type);
  r.body = body;
  r.headers["Cache-Control"] = "no-cache";
  return r;
}

namespace {

// JSON text that can sit inside a <script> element: "<" (only ever inside
// strings in JSON) as \u003c, so no "</script>" or "<!--" can end it.
void AppendScriptSafe(std::string& out, std::string_view json_text) {
  for (char c : json_text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::optional<HttpResponse> Console::PageWithData(const HttpRequest& r) const {
  HttpRequest everything = r;  // the page's own query is no list filter
  everything.query.clear();
  HttpResponse list = handlers_.List(everything, specs::kKindSandbox, "", &kConsoleRows);
  if (list.status != 200 || !list.shared_body) return std::nullopt;  // the page lists it itself
  const std::string& sandboxes = *list.shared_body;
  std::string session = SessionInfo(r).body;
  HttpResponse out = Page();
  std::string data = R"(<script type="application/json" id="console-data">{"session":)";
  data.reserve(data.size() + session.size() + sandboxes.size() + 64);
  AppendScriptSafe(data, session);
  data += R"(,"sandboxes":)";
  AppendScriptSafe(data, sandboxes);
  data += "}</script>\n";
  size_t end = out.body.rfind("</body>");
  out.body.insert(end == std::string::npos ? out.body.size() : end, data);
  // The caller's own data (and CSRF token): never stored, never shared.
  out.headers["Cache-Control"] = "no-store";
  out.headers["Vary"] = "Cookie, Authorization";
  return out;
}

HttpResponse Console::AssetResponse(const HttpRequest& r, std::string path) const {
  // Under this build's id (as the page names them): the bytes never change,
  // cached for good. Plain or under another build's id (a page loaded from
  // an older controller): revalidated each time, so files of two builds are
  // never mixed from the cache.
  std::string id_prefix = "/" + std::string(web::AssetsId()) + "/";
  bool current = path.rfind(id_prefix, 0) == 0;
  if (current) {
    path = path.substr(id_prefix.size() - 1);
  } else if (size_t slash = path.find('/', 1); slash == 17) {
    path = path.substr(slash);  // "/<16 hex digits>/app.js" of another build
  }
  const web::Asset* asset = web::FindAsset(path);
  if (asset == nullptr) return ErrorResponse(404, "no console file " + path);
  HttpResponse out;
  out.headers["Cache-Control"] = current ? "public, max-age=31536000, immutable" : "no-cache";
  out.headers["ETag"] = std::string(asset->etag);
  if (r.Header("if-none-match") == asset->etag) {
    out.status = 304;
    out.content_type = "";
    return out;
  }
  out.content_type = std::string(asset->content_type);
  out.body = std::string(asset->body);
  return out;
}

HttpResponse Console::SessionInfo(const HttpRequest& r) const {
  json grants = json::array();
  std::optional<ConsoleSessions::Session> session;
  if (!tokens_) {
    grants.push_back({{"namespace", "*"}, {"write", true}});
  } else {
    std::string credential = Credential(r.Header("authorization"), r.Header("cookie"));
    for (const auto& g : tokens_->GrantsOf(credential)) grants.push_back({{"namespace", g.ns}, {"write", g.write}});
    session = sessions_.Find(CookieValue(r.Header("cookie"), kSessionCookie));
  }
  json presets = json::object();
  std::optional<std::string> lock;
  if (!grants.empty()) {  // nothing about the controller before a login
    for (const auto& agent : security::AgentPresetNames()) presets[agent] = security::AgentPresetDomains(agent);
    lock = SecurityLock();
  }
  return Json(200, {{"tokens", tokens_ != nullptr},
                    {"authenticated", !grants.empty()},
                    {"grants", grants},
                    {"csrf", session ? session->csrf : ""},
                    {"securityLock", lock ? json(*lock) : json(nullptr)},
                    {"agentPresets", presets},
                    {"version", handlers_.context().version}});
}

std::string Console::SessionCookie(const std::string& value, int max_age_seconds) const {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_seconds) + (https_ ? "; Secure" : "");
}

HttpResponse Console::Login(const HttpRequest& r) {
  if (!tokens_) return ErrorResponse(400, "this controller needs no token (it has no --token-file)");
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) {
    return ErrorResponse(400, R"(send {"token":"..."})");
  }
  std::string token = body["token"];
  if (tokens_->GrantsOf("Bearer " + token).empty()) return ErrorResponse(401, "unknown token");
  auto opened = sessions_.Open(token);
  HttpResponse out = Json(200, {{"csrf", opened.csrf}});
  int lifetime = static_cast<int>(std::chrono::seconds(ConsoleSessions::kLifetime).count());
  out.headers["Set-Cookie"] = SessionCookie(opened.id, lifetime);
  return out;
}

HttpResponse Console::Logout(const HttpRequest& r) {
  sessions_.Close(CookieValue(r.Header("cookie"), kSessionCookie));
  HttpResponse out = Json(200, {{"status", "logged out"}});
  out.headers["Set-Cookie"] = SessionCookie("", 0);
  return out;
}

}  // namespace sesame::controller::api
