// The security routes: GET|PUT /admin/sandbox and the violations
// (listed, watched as NDJSON or server-sent events).
#include <nlohmann/json.hpp>

#include "controller/api/api_errors.h"
#include "controller/api/api_handlers.h"
#include "reconcilers/admin_settings_store.h"
#include "security/probe.h"

namespace sesame::controller::api {

using nlohmann::json;

namespace {

HttpResponse SettingsResponse(const security::AdminSettings& s) {
  json body = json::parse(reconcilers::AdminSettingsToJson(s));
  const auto& probe = security::CachedProbe();
  body["probe"] = {{"summary", probe.Summary()}, {"details", probe.ToString()}};
  HttpResponse r;
  r.body = body.dump() + "\n";
  return r;
}

}  // namespace

HttpResponse ApiHandlers::AdminSandbox(const HttpRequest& r) {
  auto current = reconcilers::LoadAdminSettings(*ctx_.store, security::AdminSettingsFromEnv());
  if (!current.ok()) return ErrorResponse(current.status());
  if (r.method == "GET") return SettingsResponse(*current);
  if (r.method != "PUT") return ErrorResponse(405, "use GET or PUT for /admin/sandbox");
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object()) body.erase("probe");  // a GET's answer can be sent back as it is
  auto next = reconcilers::AdminSettingsFromJson(body.is_discarded() ? r.body : body.dump(), *current);
  if (!next.ok()) return ErrorResponse(422, next.status().message());
  Status saved = reconcilers::ChangeAdminSettings(*ctx_.store, *current, *next, Clock::Real().Now());
  if (!saved.ok()) return ErrorResponse(saved);
  Wrote();
  return SettingsResponse(*next);
}

HttpResponse ApiHandlers::Violations(const HttpRequest& r, const std::string& ns) {
  store::ViolationFilter filter;
  filter.namespace_ = ns;
  filter.name = r.Query("sandbox");
  auto after = r.ResumeFrom("after", 0);
  if (!after.ok()) return ErrorResponse(after.status());
  filter.after_id = *after;
  bool watch = r.Query("watch") == "true";
  if (!watch) {
    auto list = ctx_.store->ListViolations(filter);
    if (!list.ok()) return ErrorResponse(list.status());
    std::string items;
    for (const auto& v : *list) items += (items.empty() ? "" : ",") + ViolationToJson(v);
    HttpResponse response;
    response.body = R"({"kind":"ViolationList","items":[)" + items + "]}\n";
    return response;
  }
  bool sse = r.Header("accept").find("text/event-stream") != std::string::npos;
  HttpResponse response;
  response.content_type = sse ? "text/event-stream" : "application/x-ndjson";
  store::Store* store = ctx_.store;
  response.stream = [store, filter, sse](const ChunkWriter& write) mutable {
    auto last_write = std::chrono::steady_clock::now();
    while (true) {
      // Read before the list: a violation stored after this wakes the wait below.
      uint64_t signal = store->ChangeSequence();
      auto batch = store->ListViolations(filter);
      if (!batch.ok()) return;
      for (const auto& v : *batch) {
        filter.after_id = v.id;
        std::string line = ViolationToJson(v);
        bool ok = sse ? write("id: " + std::to_string(v.id) + "\nevent: violation\ndata: " + line + "\n\n")
                      : write(line + "\n");
        if (!ok) return;
        last_write = std::chrono::steady_clock::now();
      }
      if (std::chrono::steady_clock::now() - last_write > std::chrono::seconds(15)) {
        if (!write(sse ? ": keep-alive\n\n" : "\n")) return;
        last_write = std::chrono::steady_clock::now();
      } else if (!write("")) {
        return;
      }
      // Until the next write, or long enough to notice a client gone.
      store->WaitForChange(signal, Millis(1000));
    }
  };
  return response;
}

}  // namespace sesame::controller::api
