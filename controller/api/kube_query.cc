// Query parameters of the Kubernetes API: booleans, dryRun, Accept, and
// label and field selectors.
#include <map>

#include "controller/api/kube_internal.h"
#include "specs/codec.h"

namespace sesame::controller::api {

std::optional<bool> ParseGoBool(const std::string& text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" || text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" || text == "False") {
    return false;
  }
  return std::nullopt;
}

bool QueryFlag(const HttpRequest& r, const std::string& name) {
  return ParseGoBool(r.Query(name)).value_or(false);
}

bool DryRun(const HttpRequest& r) {
  for (const auto& v : r.QueryAll("dryRun")) {
    if (v == "All") return true;
  }
  return false;
}

bool WantsTable(const HttpRequest& r) {
  return r.Header("accept").find("as=Table") != std::string::npos;
}

namespace {

const char* const kSelectableFields[] = {"metadata.name", "metadata.namespace", "status.phase",
                                         "spec.provider"};

std::string Trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The value of a selectable field of `o`.
std::string FieldValue(const std::string& field, const specs::Object& o,
                       const specs::TemplateFinder& templates) {
  if (field == "metadata.name") return o.metadata.name;
  if (field == "metadata.namespace") return o.metadata.namespace_;
  if (field == "status.phase") {
    nlohmann::json status = nlohmann::json::parse(o.status, nullptr, false);
    return status.is_object() && status.value("phase", nlohmann::json()).is_string() ? status["phase"].get<std::string>()
                                                                                      : "";
  }
  // spec.provider: the effective one, as the PROVIDER column shows it.
  if (o.kind == specs::kKindSandbox) {
    std::string tmpl_name;
    if (auto spec = specs::DecodeSandboxSpec(o.spec); spec.ok()) tmpl_name = spec->template_ref;
    const specs::Object* tmpl = tmpl_name.empty() ? nullptr : templates(o.metadata.namespace_, tmpl_name);
    auto sandbox = specs::DecodeSandbox(o, tmpl);
    return sandbox.ok() ? sandbox->spec.provider : "";
  }
  auto spec = specs::DecodeSandboxSpec(o.spec);
  return spec.ok() ? spec->provider : "";
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(const std::string& text) {
  FieldSelector selector;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string::npos) comma = text.size();
    std::string term = Trim(text.substr(begin, comma - begin));
    begin = comma + 1;
    if (term.empty()) continue;
    Requirement req;
    size_t op = term.find("!=");
    size_t skip = 2;
    if (op != std::string::npos) {
      req.equal = false;
    } else if ((op = term.find("==")) == std::string::npos) {
      op = term.find('=');
      skip = 1;
    }
    if (op == std::string::npos) {
      return InvalidError("invalid selector: '" + term + "'; can't understand '" + term + "'");
    }
    req.field = Trim(term.substr(0, op));
    req.value = Trim(term.substr(op + skip));
    bool known = false;
    for (const char* f : kSelectableFields) known = known || req.field == f;
    if (!known) {
      return InvalidError("\"" + req.field + "\" is not a known field selector: only \"metadata.name\", "
                          "\"metadata.namespace\", \"status.phase\", \"spec.provider\"");
    }
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool FieldSelector::Matches(const specs::Object& o, const specs::TemplateFinder& templates) const {
  for (const auto& req : requirements_) {
    if ((FieldValue(req.field, o, templates) == req.value) != req.equal) return false;
  }
  return true;
}

bool ObjectFilter::Matches(const specs::Object& o, const specs::TemplateFinder& templates) const {
  return labels.Matches(o.metadata.labels) && fields.Matches(o, templates);
}

Result<ObjectFilter> FilterOf(const HttpRequest& r) {
  ObjectFilter filter;
  auto labels = store::Selector::Parse(r.Query("labelSelector"));
  if (!labels.ok()) return InvalidError("labelSelector: " + labels.status().message());
  filter.labels = std::move(*labels);
  auto fields = FieldSelector::Parse(r.Query("fieldSelector"));
  if (!fields.ok()) return InvalidError("fieldSelector: " + fields.status().message());
  filter.fields = std::move(*fields);
  return filter;
}

specs::TemplateFinder StoreTemplates(store::Store& store) {
  auto cache = std::make_shared<std::map<std::pair<std::string, std::string>, std::optional<specs::Object>>>();
  return [&store, cache](const std::string& ns, const std::string& name) -> const specs::Object* {
    auto key = std::make_pair(ns, name);
    auto it = cache->find(key);
    if (it == cache->end()) {
      auto got = store.Get({specs::kKindSandboxTemplate, ns, name});
      it = cache->emplace(key, got.ok() ? std::optional<specs::Object>(*got) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  };
}

}  // namespace sesame::controller::api
