// sesame get sandboxes|templates|events [NAME] [-n NS|-A] [-l SEL] [-o FORMAT]
#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/printer.h"
#include "specs/codec.h"

namespace sesame::cli {

namespace {

int GetEvents(Context& ctx, Client& client, const std::string& ns, const PrintOptions& options) {
  store::EventFilter filter;
  filter.namespace_ = ns;
  auto events = client.ListEvents(filter);
  if (!events.ok()) return ctx.Fail(events.status());
  PrintEvents(ctx.out, *events, options);
  return kExitOk;
}

// get -w: the current objects, then one line (or document) per change,
// until interrupted.
int WatchObjects(Context& ctx, Client& client, const store::ListOptions& list_options,
                 PrintOptions options, const TemplateLookup& templates) {
  bool first = true;
  Status status = client.Watch(list_options, 0, [&](const store::WatchEvent& e) {
    if (options.format == OutputFormat::kJson) {
      ctx.out << "{\"type\":\"" << store::ToString(e.type) << "\",\"object\":"
              << specs::ObjectToJson(e.object, false) << "}\n";
    } else {
      PrintOptions row = options;
      row.no_headers = options.no_headers || !first;
      row.now = Clock::Real().Now();
      PrintObjects(ctx.out, list_options.kind, {e.object}, e.resource_version, row, templates);
    }
    first = false;
    ctx.out.flush();
    return ctx.out.good();
  });
  return status.ok() ? kExitOk : ctx.Fail(status);
}

int RunGet(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.empty()) return ctx.Usage("get needs a resource: sandboxes, templates or events");
  auto resource = ParseResource(args[0]);
  if (!resource) {
    return ctx.Usage("unknown resource \"" + args[0] + "\" (use sandboxes, templates or events)");
  }
  if (args.size() > 2) return ctx.Usage("get takes at most one NAME");
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
      "List or show sandboxes, templates and events",
      "sesame get sandboxes|templates|events [NAME] [-n NS | -A] [-l SEL] [-o FORMAT]",
      "Examples:\n"
      "  sesame get sandboxes -o wide\n"
      "  sesame get sandbox fix-login-bug -o yaml\n"
      "  sesame get sandboxes -A -l 'app in (reviewer,writer)'",
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
