// The console's server side without a server: its pages and files, the
// session cookie, the CSRF rules, and read-only tokens.
#include "controller/api/console.h"
#include "web/assets.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sesame::controller::api {
namespace {

using nlohmann::json;

constexpr char kAdmin[] = "admin-token-0123456789";
constexpr char kReader[] = "reader-token-0123456789";

HttpRequest Request(const std::string& method, const std::string& path,
                    std::map<std::string, std::string> headers = {}, std::string body = "") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest()
      : tokens_(*TokenTable::Parse(std::string(kAdmin) + " *\n" + kReader + " *:read\n", "tokens")),
        handlers_(ApiContext{.version = "9.9"}),
        console_(handlers_, &tokens_, false) {}

  // Logs in with `token`; returns {cookie header, csrf}.
  std::pair<std::string, std::string> Login(const std::string& token) {
    auto r = console_.Handle(Request("POST", "/console/login", {}, json{{"token", token}}.dump()), all_);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200) << r->body;
    std::string set_cookie = r->headers["Set-Cookie"];
    EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
    return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r->body)["csrf"]};
  }

  TokenTable tokens_;
  ApiHandlers handlers_;
  Console console_;
  std::function<bool(const std::string&)> all_ = [](const std::string&) { return true; };
};

TEST_F(ConsoleTest, ServesPagesAndFilesWithAPolicyAgainstInlineScripts) {
  for (const char* page : {"/", "/violations", "/syncs", "/login", "/sandboxes/default/web"}) {
    auto r = console_.Handle(Request("GET", page), all_);
    ASSERT_TRUE(r.has_value()) << page;
    EXPECT_EQ(r->content_type.rfind("text/html", 0), 0u) << page;
    EXPECT_EQ(r->headers["Content-Security-Policy"].find("'unsafe-inline'"), std::string::npos);
    EXPECT_NE(r->headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(r->body.find("<script>"), std::string::npos) << "an inline script";
  }
  // /admin/sandbox: HTML for a browser, the JSON API for everyone else.
  EXPECT_TRUE(console_.Handle(Request("GET", "/admin/sandbox", {{"accept", "text/html,*/*"}}), all_));
  EXPECT_FALSE(console_.Handle(Request("GET", "/admin/sandbox", {{"accept", "application/json"}}), all_));
  EXPECT_FALSE(console_.Handle(Request("GET", "/v1/sandboxes"), all_));

  auto js = console_.Handle(Request("GET", "/console/assets/app.js"), all_);
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->content_type.rfind("text/javascript", 0), 0u);
  std::string etag = js->headers["ETag"];
  auto again = console_.Handle(Request("GET", "/console/assets/app.js", {{"if-none-match", etag}}), all_);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(console_.Handle(Request("GET", "/console/assets/nope.js"), all_)->status, 404);
}

TEST_F(ConsoleTest, ThePageNamesItsFilesUnderTheBuildIdAndPreloadsItsFirstRequests) {
  std::string id(web::AssetsId());
  ASSERT_EQ(id.size(), 16u);
  auto page = console_.Handle(Request("GET", "/"), all_);
  ASSERT_TRUE(page.has_value());
  EXPECT_NE(page->body.find("/console/assets/" + id + "/app.js"), std::string::npos) << page->body;
  EXPECT_EQ(page->body.find("\"/console/assets/app.js"), std::string::npos) << "a file outside the build id";
  EXPECT_EQ(page->headers["Cache-Control"], "no-cache");
  // The session starts with the page (a page that does not hold its list
  // lists per namespace).
  EXPECT_NE(page->headers["Link"].find("</console/session>; rel=preload; as=fetch"), std::string::npos);
  auto violations = console_.Handle(Request("GET", "/violations"), all_);
  EXPECT_NE(violations->headers["Link"].find("/console/session"), std::string::npos);

  // Under the id: the same bytes, cached for good.
  auto versioned = console_.Handle(Request("GET", "/console/assets/" + id + "/app.js"), all_);
  auto plain = console_.Handle(Request("GET", "/console/assets/app.js"), all_);
  ASSERT_EQ(versioned->status, 200);
  EXPECT_EQ(versioned->body, plain->body);
  EXPECT_NE(versioned->headers["Cache-Control"].find("immutable"), std::string::npos);
  EXPECT_EQ(plain->headers["Cache-Control"], "no-cache");
  // Under another build's id (a page of an older controller): served, but
  // revalidated, never cached for good.
  auto other = console_.Handle(Request("GET", "/console/assets/0123456789abcdef/app.js"), all_);
  ASSERT_EQ(other->status, 200);
  EXPECT_EQ(other->headers["Cache-Control"], "no-cache");
}

TEST_F(ConsoleTest, PublicRoutesAreTheShellOnly) {
  EXPECT_TRUE(Console::IsPublic("GET", "/", ""));
  EXPECT_TRUE(Console::IsPublic("GET", "/console/assets/app.js", ""));
  EXPECT_TRUE(Console::IsPublic("POST", "/console/login", ""));
  EXPECT_TRUE(Console::IsPublic("GET", "/admin/sandbox", "text/html"));
  EXPECT_FALSE(Console::IsPublic("GET", "/admin/sandbox", "application/json"));
  EXPECT_FALSE(Console::IsPublic("PUT", "/admin/sandbox", "text/html"));
  EXPECT_FALSE(Console::IsPublic("POST", "/console/terminal", ""));
  EXPECT_FALSE(Console::IsPublic("GET", "/v1/sandboxes", "text/html"));
}

TEST_F(ConsoleTest, LoginTurnsATokenIntoASessionCookie) {
  auto wrong = console_.Handle(Request("POST", "/console/login", {}, R"({"token":"not-a-token-at-all"})"), all_);
  EXPECT_EQ(wrong->status, 401);
  auto [cookie, csrf] = Login(kAdmin);
  EXPECT_EQ(console_.Credential("", cookie), std::string("Bearer ") + kAdmin);
  EXPECT_EQ(console_.Credential("Bearer other", cookie), "Bearer other");  // a header wins
  EXPECT_EQ(console_.Credential("", "sesame_session=forged"), "");
  auto info = console_.Handle(Request("GET", "/console/session", {{"cookie", cookie}}), all_);
  auto body = json::parse(info->body);
  EXPECT_EQ(body["authenticated"], true);
  EXPECT_EQ(body["csrf"], csrf);
  EXPECT_EQ(body["grants"][0]["write"], true);
  auto out = console_.Handle(Request("POST", "/console/logout", {{"cookie", cookie}}), all_);
  EXPECT_NE(out->headers["Set-Cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(console_.Credential("", cookie), "");
}

TEST_F(ConsoleTest, ChangesNeedTheCsrfTokenAndTheSameOrigin) {
  auto [cookie, csrf] = Login(kAdmin);
  std::map<std::string, std::string> headers = {{"cookie", cookie}, {"host", "127.0.0.1:7777"}};
  EXPECT_FALSE(console_.RefuseForgery(Request("GET", "/v1/sandboxes", headers)));
  auto missing = console_.RefuseForgery(Request("DELETE", "/v1/namespaces/default/sandboxes/a", headers));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 403);
  headers[kCsrfHeader] = (csrf[0] == '0' ? "1" : "0") + csrf.substr(1);
  EXPECT_TRUE(console_.RefuseForgery(Request("DELETE", "/x", headers)));
  headers[kCsrfHeader] = csrf;
  EXPECT_FALSE(console_.RefuseForgery(Request("DELETE", "/x", headers)));
  headers["origin"] = "http://127.0.0.1:7777";
  EXPECT_FALSE(console_.RefuseForgery(Request("DELETE", "/x", headers)));
  headers["origin"] = "https://evil.example";
  EXPECT_TRUE(console_.RefuseForgery(Request("DELETE", "/x", headers)));
  headers.erase("origin");
  headers["sec-fetch-site"] = "cross-site";
  EXPECT_TRUE(console_.RefuseForgery(Request("POST", "/x", headers)));
  // A bearer token is not sent by the browser on its own: no CSRF token needed.
  EXPECT_FALSE(console_.RefuseForgery(
      Request("DELETE", "/x", {{"authorization", std::string("Bearer ") + kAdmin}})));
}

TEST(ConsoleNoTokensTest, CrossSiteChangesAreRefusedOnLoopbackToo) {
  ApiHandlers handlers(ApiContext{});
  Console console(handlers, nullptr, false);
  EXPECT_TRUE(console.RefuseForgery(
      Request("POST", "/v1/apply", {{"origin", "http://evil.example"}, {"host", "127.0.0.1:7777"}})));
  EXPECT_FALSE(console.RefuseForgery(Request("POST", "/v1/apply", {{"host", "127.0.0.1:7777"}})));
  // A page on another name that resolves to 127.0.0.1 (DNS rebinding).
  auto rebound = console.RefuseForgery(
      Request("GET", "/v1/sandboxes", {{"host", "attacker.example:7777"}, {"sec-fetch-site", "same-origin"}}));
  ASSERT_TRUE(rebound.has_value());
  EXPECT_EQ(rebound->status, 403);
  for (const char* host : {"127.0.0.1:7777", "localhost:7777", "[::1]:7777", "127.0.0.1"}) {
    EXPECT_FALSE(console.RefuseForgery(Request("GET", "/v1/sandboxes", {{"host", host}, {"sec-fetch-site", "none"}})))
        << host;
  }
  // Clients other than browsers may name any host.
  EXPECT_FALSE(console.RefuseForgery(Request("GET", "/v1/sandboxes", {{"host", "x"}})));
  auto info = console.Handle(Request("GET", "/console/session"), [](const std::string&) { return true; });
  EXPECT_EQ(json::parse(info->body)["tokens"], false);
}

TEST(ReadOnlyTokenTest, ReadsButNeverWrites) {
  auto table = TokenTable::Parse("reader-token-0123456789 *:read team-a\n", "tokens");
  ASSERT_TRUE(table.ok()) << table.status().message();
  std::string header = "Bearer reader-token-0123456789";
  EXPECT_EQ(table->Authorize(header, "", false), TokenTable::Decision::kAllowed);
  EXPECT_EQ(table->Authorize(header, "team-b", false), TokenTable::Decision::kAllowed);
  EXPECT_EQ(table->Authorize(header, "team-b", true), TokenTable::Decision::kForbidden);
  EXPECT_EQ(table->Authorize(header, "team-a", true), TokenTable::Decision::kAllowed);
  EXPECT_EQ(table->Authorize(header, ""), TokenTable::Decision::kForbidden);  // writes by default
  auto bad = TokenTable::Parse("reader-token-0123456789 *:admin\n", "tokens");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tokens:1:"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("reader-token"), std::string::npos) << "the token leaked";
}

TEST(ResumeTest, AnEventSourceResumesFromItsLastEventId) {
  HttpRequest r = Request("GET", "/v1/sandboxes");
  r.query.emplace("resourceVersion", "7");
  EXPECT_EQ(*r.ResumeFrom("resourceVersion"), 7);
  r.headers["last-event-id"] = "42";  // the reconnect of a stream started at 7
  EXPECT_EQ(*r.ResumeFrom("resourceVersion"), 42);
  r.headers["last-event-id"] = "4x";
  EXPECT_FALSE(r.ResumeFrom("resourceVersion").ok());
  EXPECT_EQ(*Request("GET", "/v1/violations").ResumeFrom("after", 0), 0);
}

TEST(CookieTest, FindsOneCookieAmongMany) {
  EXPECT_EQ(CookieValue("a=1; sesame_session=abc; b=2", "sesame_session"), "abc");
  EXPECT_EQ(CookieValue("sesame_session_x=1", "sesame_session"), "");
  EXPECT_EQ(CookieValue("", "sesame_session"), "");
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_NE(RandomHex(16), RandomHex(16));
}

}  // namespace
}  // namespace sesame::controller::api
