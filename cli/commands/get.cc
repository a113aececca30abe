// sesame get sandboxes|templates|events|violations|syncs [NAME] [-n NS|-A] [-l SEL] [-o FORMAT]
#include <algorithm>

#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/printer.h"
#include "controller/api/record_json.h"
#include "specs/codec.h"
#include "specs/gitsync.h"

namespace sesame::cli {

namespace {

int GetEvents(Context& ctx, Client& client, const std::string& ns, const PrintOptions& options) {
  store::EventFilter filter;
  filter.namespace_ = ns;
  auto events = client.ListEvents(filter);
  if (!events.ok()) return ctx.Fail(events.status());
  if (options.format == OutputFormat::kJson || options.format == OutputFormat::kYaml) {
    std::vector<std::string> items;
    for (const auto& e : *events) items.push_back(controller::api::EventToJson(e));
    PrintList(ctx.out, items, 0, options);
    return kExitOk;
  }
  PrintEvents(ctx.out, *events, options);
  return kExitOk;
}

// The widths of a watched table: those of the current objects' table, and
// at least what the usual cells take (a phase like "Provisioning", a name
// of 20), so that the rows of later changes line up under the header.
std::vector<size_t> WatchWidths(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths = ColumnWidths(rows);
  for (size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], i == 0 ? size_t{20} : size_t{12});
  return widths;
}

// get -w: the current objects, then one line (or document) per change,
// until interrupted.
int WatchObjects(Context& ctx, Client& client, const store::ListOptions& list_options,
                 PrintOptions options, const TemplateLookup& templates) {
  bool table = options.format == OutputFormat::kTable || options.format == OutputFormat::kWide;
  int64_t from = 0;  // 0: the watch sends the current objects first
  std::vector<size_t> widths;
  if (table) {
    // The current objects as one table, so that their rows share widths.
    auto list = client.List(list_options);
    if (!list.ok()) return ctx.Fail(list.status());
    PrintOptions now = options;
    now.now = Clock::Real().Now();
    now.no_headers = false;  // the header counts for the widths, printed or not
    auto rows = ObjectRows(list_options.kind, list->items, now, templates);
    widths = WatchWidths(rows);
    for (size_t i = options.no_headers ? 1 : 0; i < rows.size(); ++i) ctx.out << FormatRow(rows[i], widths);
    ctx.out.flush();
    from = list->resource_version;
  }
  Status status = client.Watch(list_options, from, [&](const store::WatchEvent& e) {
    PrintOptions row = options;
    row.now = Clock::Real().Now();
    if (options.format == OutputFormat::kJson) {
      ctx.out << "{\"type\":\"" << store::ToString(e.type) << "\",\"object\":"
              << specs::ObjectToJson(e.object, false) << "}\n";
    } else if (table) {
      row.no_headers = true;
      for (const auto& r : ObjectRows(list_options.kind, {e.object}, row, templates)) {
        ctx.out << FormatRow(r, widths);
      }
    } else if (options.format == OutputFormat::kYaml) {
      ctx.out << "---\n" << specs::ObjectToYaml(e.object);
    } else {
      PrintObjects(ctx.out, list_options.kind, {e.object}, e.resource_version, row, templates);
    }
    ctx.out.flush();
    return ctx.out.good();
  });
  return status.ok() ? kExitOk : ctx.Fail(status);
}

std::vector<std::string> ViolationRow(const store::Violation& v, const PrintOptions& options) {
  std::vector<std::string> row = {FormatTime(v.time), v.sandbox.name, v.kind, v.operation, v.target, v.rule};
  if (options.all_namespaces) row.insert(row.begin(), v.sandbox.namespace_);
  return row;
}

// get violations [NAME] [-w]: blocked attempts, oldest first; with -w, new
// ones as they happen.
int GetViolations(Context& ctx, Client& client, const std::string& ns, const std::string& name,
                  const PrintOptions& options, bool watch) {
  store::ViolationFilter filter;
  filter.namespace_ = ns;
  filter.name = name;
  filter.limit = 0;
  auto list = client.ListViolations(filter);
  if (!list.ok()) return ctx.Fail(list.status());
  bool json = options.format == OutputFormat::kJson || options.format == OutputFormat::kYaml;
  if (json && !watch) {
    std::vector<std::string> items;
    for (const auto& v : *list) items.push_back(controller::api::ViolationToJson(v));
    PrintList(ctx.out, items, 0, options);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  if (!options.no_headers && !json) {
    rows.push_back(ViolationRow({0, {"", "NAMESPACE", "SANDBOX"}, "", 0, {}, "KIND", "OPERATION", "TARGET", "RULE"},
                                options));
    rows[0][options.all_namespaces ? 1 : 0] = "TIME";
  }
  for (const auto& v : *list) {
    filter.after_id = v.id;
    if (json) ctx.out << controller::api::ViolationToJson(v) << "\n";
    else rows.push_back(ViolationRow(v, options));
  }
  if (!json) ctx.out << FormatTable(rows);
  if (list->empty() && !watch && !json) ctx.err << "No violations recorded\n";
  ctx.out.flush();
  if (!watch) return kExitOk;
  // New rows keep the columns of the table above (a longer cell pushes the
  // rest of its row right).
  std::vector<size_t> widths = ColumnWidths(rows);
  Status status = client.WatchViolations(filter, [&](const store::Violation& v) {
    if (json) {
      ctx.out << controller::api::ViolationToJson(v) << "\n";
    } else {
      ctx.out << FormatRow(ViolationRow(v, options), widths);
    }
    ctx.out.flush();
    return ctx.out.good();
  });
  return status.ok() ? kExitOk : ctx.Fail(status);
}

// get syncs [NAME]: the GitSyncs and directory syncs: source, revision,
// phase, health, last sync and message.
int GetSyncs(Context& ctx, Client& client, const std::string& ns, const std::string& name,
             const PrintOptions& options) {
  auto list = client.ListSyncs(ns);
  if (!list.ok()) return ctx.Fail(list.status());
  std::vector<specs::Object> syncs;
  for (auto& s : *list) {
    if (name.empty() || s.metadata.name == name) syncs.push_back(std::move(s));
  }
  if (!name.empty() && syncs.empty()) return ctx.Fail(NotFoundError("sync \"" + name + "\" not found"));
  if (!name.empty() && syncs.size() == 1) {
    PrintObject(ctx.out, syncs[0], options, {});
    return kExitOk;
  }
  if (syncs.empty() && (options.format == OutputFormat::kTable || options.format == OutputFormat::kWide)) {
    ctx.err << "No syncs (apply a GitSync, or start `sesame up DIR`, `sesame up --git REPO` or "
               "`sesame controller --git REPO`)\n";
    return kExitOk;
  }
  PrintObjects(ctx.out, specs::kKindGitSync, syncs, 0, options, {});
  return kExitOk;
}

// get TYPE/NAME... or TYPE NAME NAME...: those objects; one alone as `get
// TYPE NAME` prints it, several as a table per kind or one List.
int GetNamed(Context& ctx, Client& client, const std::vector<specs::ObjectKey>& keys, const PrintOptions& options) {
  int code = kExitOk;
  std::vector<specs::Object> found;
  for (const auto& key : keys) {
    auto object = client.Get(key);
    if (object.ok()) {
      found.push_back(std::move(object).value());
    } else {
      ctx.err << ErrorAbout(key, object.status().message());
      code = kExitFailure;
    }
  }
  if (found.empty()) return code;
  TemplateLookup templates = FetchTemplates(client, keys.front().namespace_);
  if (keys.size() == 1) {
    PrintObject(ctx.out, found.front(), options, templates);
  } else if (options.format == OutputFormat::kJson || options.format == OutputFormat::kYaml) {
    std::vector<std::string> items;
    for (const auto& o : found) items.push_back(specs::ObjectToJson(o, false));
    PrintList(ctx.out, items, 0, options);
  } else {
    // A table for each run of one kind, as kubectl prints mixed types.
    for (size_t start = 0; start < found.size();) {
      size_t end = start;
      while (end < found.size() && found[end].kind == found[start].kind) ++end;
      if (start > 0 && options.format != OutputFormat::kName) ctx.out << "\n";
      PrintObjects(ctx.out, found[start].kind, {found.begin() + static_cast<long>(start), found.begin() + static_cast<long>(end)},
                   0, options, templates);
      start = end;
    }
  }
  return code;
}

int RunGet(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.empty()) return ctx.Usage("get needs a resource: sandboxes, templates, pools, quotas, events, violations or syncs");
  if (args[0].find('/') != std::string::npos || args.size() > 2) {
    if (flags.Has("all-namespaces") || flags.Has("watch") || flags.Has("selector")) {
      return ctx.Usage("named objects cannot be combined with -A, -w or -l");
    }
    auto keys = ObjectKeys(args, flags.Get("namespace", specs::kDefaultNamespace), "get");
    if (!keys.ok()) return ctx.Usage(keys.status().message());
    auto format = ParseOutputFormat(flags.Get("output"));
    if (!format.ok()) return ctx.Fail(format.status());
    PrintOptions options;
    options.format = *format;
    options.no_headers = flags.Has("no-headers");
    options.now = Clock::Real().Now();
    auto client = ctx.client();
    if (!client.ok()) return ctx.Fail(client.status());
    return GetNamed(ctx, **client, *keys, options);
  }
  auto resource = ParseResource(args[0]);
  if (!resource) {
    return ctx.Usage("unknown resource \"" + args[0] + "\" (use sandboxes, templates, pools, quotas, events, violations or syncs)");
  }
  auto format = ParseOutputFormat(flags.Get("output"));
  if (!format.ok()) return ctx.Fail(format.status());
  PrintOptions options;
  options.format = *format;
  options.all_namespaces = flags.Has("all-namespaces");
  options.no_headers = flags.Has("no-headers");
  options.now = Clock::Real().Now();
  std::string ns = options.all_namespaces ? "" : flags.Get("namespace", specs::kDefaultNamespace);
  auto selector = store::Selector::Parse(flags.Get("selector"));
  if (!selector.ok()) return ctx.Fail(selector.status());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  if (*resource == Resource::kEvents) return GetEvents(ctx, **client, ns, options);
  if (*resource == Resource::kSyncs && flags.Has("watch")) {
    return WatchObjects(ctx, **client, {specs::kKindGitSync, ns, *selector}, options, {});
  }
  if (*resource == Resource::kSyncs) return GetSyncs(ctx, **client, ns, args.size() == 2 ? args[1] : "", options);
  if (*resource == Resource::kViolations) {
    return GetViolations(ctx, **client, ns, args.size() == 2 ? args[1] : "", options, flags.Has("watch"));
  }

  TemplateLookup templates = FetchTemplates(**client, ns);
  std::string kind = KindOf(*resource);
  if (args.size() == 2) {
    if (options.all_namespaces) return ctx.Usage("a NAME cannot be combined with -A");
    auto object = (*client)->Get({kind, ns, args[1]});
    if (!object.ok()) return ctx.Fail(object.status());
    PrintObject(ctx.out, *object, options, templates);
    return kExitOk;
  }
  store::ListOptions list_options{kind, ns, *selector};
  if (flags.Has("watch")) return WatchObjects(ctx, **client, list_options, options, templates);
  auto list = (*client)->List(list_options);
  if (!list.ok()) return ctx.Fail(list.status());
  if (list->items.empty() && (*format == OutputFormat::kTable || *format == OutputFormat::kWide)) {
    ctx.err << (ns.empty() ? "No resources found\n" : "No resources found in " + ns + " namespace.\n");
    return kExitOk;
  }
  PrintObjects(ctx.out, kind, list->items, list->resource_version, options, templates);
  return kExitOk;
}

}  // namespace

Command GetCommand() {
  return {
      "get",
      "List or show sandboxes, templates, pools, quotas and events",
      "sesame get sandboxes|templates|pools|quotas|events|violations|syncs [NAME...] [-n NS | -A] [-l SEL] [-o FORMAT] [-w]\n"
      "  sesame get TYPE/NAME... [-o FORMAT]",
      "Examples:\n"
      "  sesame get sandboxes -o wide\n"
      "  sesame get sandbox fix-login-bug -o yaml\n"
      "  sesame get sandboxes -A -l 'app in (reviewer,writer)'\n"
      "  sesame get violations -A -w\n"
      "  sesame get syncs -o wide",
      {NamespaceFlag(),
       {"all-namespaces", 'A', false, "list across all namespaces"},
       SelectorFlag(),
       {"output", 'o', true, "wide, yaml, json or name", "FORMAT"},
       {"no-headers", 0, false, "omit the table header"},
       {"watch", 'w', false, "after listing, print every change as it happens"}},
      RunGet,
  };
}

}  // namespace sesame::cli
