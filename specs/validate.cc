#include "specs/validate.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <tuple>

#include "common/time.h"
#include "specs/gitsync.h"
#include "specs/object.h"
#include "specs/pool.h"
#include "specs/pool_schema.h"
#include "specs/quantity.h"
#include "specs/validate_schema.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool IsEnvName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The name part of a Kubernetes label key or value:
// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters.
bool IsLabelName(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
bool IsDnsSubdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  for (size_t begin = 0; begin <= s.size();) {
    size_t dot = std::min(s.find('.', begin), s.size());
    if (!CheckDns1123Label(std::string_view(s).substr(begin, dot - begin)).empty()) return false;
    begin = dot + 1;
  }
  return true;
}

// An explanation when `key` is not a valid label or annotation key.
std::string CheckQualifiedName(const std::string& key) {
  size_t slash = key.find('/');
  std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (slash != std::string::npos && !IsDnsSubdomain(key.substr(0, slash))) {
    return "the prefix before '/' must be a DNS subdomain like example.com";
  }
  if (!IsLabelName(name, false)) {
    return "the name must be 1 to 63 characters of letters, digits, '-', '_' and '.', "
           "starting and ending with a letter or digit";
  }
  return "";
}

class Validator {
 public:
  Validator(const FieldLocator& locator, std::vector<ManifestError>* errors)
      : locator_(locator), errors_(errors), start_(errors->size()) {}

  bool ok() const { return errors_->size() == start_; }
  void Check(json& value, const Schema& schema, const std::string& path);
  void CheckObject(json& value, const Schema& schema, const std::string& path);
  void Error(const std::string& path, std::string message, bool at_key = false);

 private:
  void CheckList(json& value, const Schema& schema, const std::string& path);
  void CheckStringMap(json& value, const Schema& schema, const std::string& path);
  void CheckScalar(json& value, const Schema& schema, const std::string& path);
  void CheckText(json& value, FieldType type, const std::string& path);
  void CheckInt(json& value, const Schema& schema, const std::string& path);
  void ApplyRule(json& value, Rule rule, const std::string& path);
  void CheckEnvEntry(const json& value, const std::string& path);
  void CheckUnique(const json& list, Rule rule, const std::string& path);
  void CheckResourceVersion(json& value, const std::string& path);
  bool ToText(json& value, const std::string& path, const char* expected);
  std::string Got(const json& value, const std::string& path) const;

  const FieldLocator& locator_;
  std::vector<ManifestError>* errors_;
  size_t start_;
};

void Validator::Error(const std::string& path, std::string message, bool at_key) {
  if (errors_->size() - start_ >= kMaxErrorsPerObject) return;
  SourcePos pos = at_key ? locator_.Key(path) : locator_.Value(path);
  errors_->push_back({std::move(pos), path, std::move(message)});
}

std::string Validator::Got(const json& value, const std::string& path) const {
  if (value.is_string()) return Quote(value.get<std::string>());
  if (value.is_object()) return "a mapping";
  if (value.is_array()) return "a list";
  if (value.is_null()) return "null";
  if (const std::string* raw = locator_.Raw(path)) return *raw;
  return value.dump();
}

// Strings written as plain numbers or bools ("version: 1.10") mean their
// source text, as the user wrote it.
bool Validator::ToText(json& value, const std::string& path, const char* expected) {
  if (value.is_string()) return true;
  if (value.is_number() || value.is_boolean()) {
    const std::string* raw = locator_.Raw(path);
    value = raw != nullptr ? *raw : value.dump();
    return true;
  }
  Error(path, std::string("expected ") + expected + ", got " + Got(value, path));
  return false;
}

void Validator::Check(json& value, const Schema& schema, const std::string& path) {
  switch (schema.type) {
    case FieldType::kObject:
      if (!value.is_object()) return Error(path, "expected a mapping, got " + Got(value, path));
      return CheckObject(value, schema, path);
    case FieldType::kList: return CheckList(value, schema, path);
    case FieldType::kStringMap: return CheckStringMap(value, schema, path);
    case FieldType::kAny: return ApplyRule(value, schema.rule, path);
    default: return CheckScalar(value, schema, path);
  }
}

void Validator::CheckObject(json& value, const Schema& schema, const std::string& path) {
  for (auto it = value.begin(); it != value.end();) {
    const Field* field = FindField(schema, it.key());
    if (field == nullptr) {
      std::vector<std::string> known;
      for (const Field& f : schema.fields) known.push_back(f.name);
      std::string guess = ClosestName(it.key(), known);
      Error(JoinPath(path, it.key()),
            "unknown field" + (guess.empty() ? "" : " (did you mean " + Quote(guess) + "?)"),
            true);
      ++it;
    } else if (it->is_null()) {
      it = value.erase(it);  // null means "not set", as in Kubernetes
    } else {
      Check(*it, field->schema, JoinPath(path, it.key()));
      ++it;
    }
  }
  for (const Field& f : schema.fields) {
    if (f.required && !value.contains(f.name)) Error(JoinPath(path, f.name), "required");
  }
  ApplyRule(value, schema.rule, path);
}

void Validator::CheckList(json& value, const Schema& schema, const std::string& path) {
  if (!value.is_array()) return Error(path, "expected a list, got " + Got(value, path));
  for (size_t i = 0; i < value.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (value[i].is_null()) {
      Error(item_path, "expected a value, got null");
      continue;
    }
    Check(value[i], schema.item.front(), item_path);
  }
  ApplyRule(value, schema.rule, path);
}

void Validator::CheckStringMap(json& value, const Schema& schema, const std::string& path) {
  if (!value.is_object()) return Error(path, "expected a mapping, got " + Got(value, path));
  for (auto it = value.begin(); it != value.end(); ++it) {
    std::string entry_path = JoinPath(path, it.key());
    json key = it.key();
    ApplyRule(key, schema.key_rule, entry_path);
    if (it->is_null()) *it = "";
    if (ToText(*it, entry_path, "a string")) ApplyRule(*it, schema.rule, entry_path);
  }
}

void Validator::CheckScalar(json& value, const Schema& schema, const std::string& path) {
  switch (schema.type) {
    case FieldType::kBool:
      if (!value.is_boolean()) Error(path, "expected true or false, got " + Got(value, path));
      return;
    case FieldType::kInt: return CheckInt(value, schema, path);
    case FieldType::kEnum:
      if (!ToText(value, path, "a string")) return;
      if (std::find(schema.values.begin(), schema.values.end(),
                    value.get_ref<const std::string&>()) == schema.values.end()) {
        std::string text = value.get<std::string>(), guess = ClosestName(text, schema.values);
        Error(path, schema.values.size() == 1
                        ? Quote(text) + " is not supported (use " + schema.values[0] + ")"
                        : Quote(text) + " is not one of " + JoinValues(schema.values) +
                              (guess.empty() ? "" : " (did you mean " + Quote(guess) + "?)"));
      }
      return;
    case FieldType::kString:
      if (ToText(value, path, "a string")) ApplyRule(value, schema.rule, path);
      return;
    default: return CheckText(value, schema.type, path);
  }
}

// Quantities, durations and times: text with a syntax of its own.
void Validator::CheckText(json& value, FieldType type, const std::string& path) {
  const char* expected = type == FieldType::kQuantity ? "a quantity like 2, 500m or 4Gi"
                         : type == FieldType::kDuration ? "a duration like 30m or 2h"
                                                        : "a time like 2026-12-01T00:00:00Z";
  if (!ToText(value, path, expected)) return;
  const std::string text = value.get<std::string>();
  if (type == FieldType::kQuantity) {
    auto q = ParseQuantity(text);
    if (!q.ok()) Error(path, q.status().message());
  } else if (type == FieldType::kDuration) {
    auto d = ParseDuration(text);
    if (!d.ok()) Error(path, d.status().message());
  } else if (!ParseTime(text)) {
    Error(path, Quote(text) + " is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)");
  }
}

void Validator::CheckInt(json& value, const Schema& schema, const std::string& path) {
  if (!value.is_number_integer()) {
    return Error(path, "expected an integer, got " + Got(value, path));
  }
  int64_t v = value.get<int64_t>();
  if (v < schema.min || v > schema.max) {
    bool unbounded = schema.max == std::numeric_limits<int64_t>::max();
    Error(path, unbounded ? "must be at least " + std::to_string(schema.min) + ", got " +
                                std::to_string(v)
                          : "must be between " + std::to_string(schema.min) + " and " +
                                std::to_string(schema.max) + ", got " + std::to_string(v));
  }
}

void Validator::ApplyRule(json& value, Rule rule, const std::string& path) {
  if (rule == Rule::kNone) return;
  static const std::string kNotText;
  const std::string& text = value.is_string() ? value.get_ref<const std::string&>() : kNotText;
  std::string why;
  switch (rule) {
    case Rule::kNone: return;
    case Rule::kDns1123Label:
      why = CheckDns1123Label(text);
      if (!why.empty()) Error(path, Quote(text) + " is not a valid name: " + why);
      return;
    case Rule::kEnvName:
      if (!IsEnvName(text)) {
        Error(path, Quote(text) + " is not a valid environment variable name (letters, "
                                  "digits and '_', not starting with a digit)");
      }
      return;
    case Rule::kAbsolutePath:
      if (text.empty() || text[0] != '/') Error(path, Quote(text) + " is not an absolute path");
      return;
    case Rule::kQualifiedName:
      why = CheckQualifiedName(text);
      if (!why.empty()) Error(path, Quote(text) + " is not a valid key: " + why, true);
      return;
    case Rule::kLabelValue:
      if (!IsLabelName(text, true)) {
        Error(path, Quote(text) + " is not a valid label value: at most 63 characters of "
                                  "letters, digits, '-', '_' and '.', starting and ending "
                                  "with a letter or digit");
      }
      return;
    case Rule::kEnvEntry: return CheckEnvEntry(value, path);
    case Rule::kUniqueEnvNames:
    case Rule::kUniquePorts: return CheckUnique(value, rule, path);
    case Rule::kResourceVersion: return CheckResourceVersion(value, path);
  }
}

void Validator::CheckEnvEntry(const json& value, const std::string& path) {
  bool has_value = value.contains("value"), has_from = value.contains("valueFrom");
  if (has_value == has_from) Error(path, "set exactly one of value and valueFrom");
}

void Validator::CheckUnique(const json& list, Rule rule, const std::string& path) {
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    const json& item = list[i];
    if (rule == Rule::kUniquePorts && item.is_number_integer()) {
      if (!seen.insert(item.dump()).second) {
        Error(item_path, "port " + item.dump() + " is listed twice");
      }
    } else if (rule == Rule::kUniqueEnvNames && item.is_object() && item.contains("name") &&
               item["name"].is_string()) {
      std::string name = item["name"].get<std::string>();
      if (!seen.insert(name).second) Error(item_path + ".name", Quote(name) + " is listed twice");
    }
  }
}

void Validator::CheckResourceVersion(json& value, const std::string& path) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0)) {
    return;
  }
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    bool digits = !text.empty() && text.size() <= 18 &&
                  std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      value = std::stoll(text);
      return;
    }
  }
  Error(path, "expected a resource version (a non-negative integer), got " + Got(value, path));
}

void CheckTopLevel(json& object, Validator& v) {
  static const Schema kApiVersion = [] {
    Schema s;
    s.type = FieldType::kEnum;
    s.values = {specs::kApiVersion};
    return s;
  }();
  static const Schema kKind = [] {
    Schema s;
    s.type = FieldType::kEnum;
    s.values = {kKindSandbox, kKindSandboxTemplate, kKindGitSync, kKindSandboxPool, kKindSandboxQuota};
    return s;
  }();
  static const std::vector<std::string> kTopFields = {"apiVersion", "kind", "metadata", "spec",
                                                      "status"};
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(kTopFields.begin(), kTopFields.end(), it.key()) == kTopFields.end()) {
      std::string guess = ClosestName(it.key(), kTopFields);
      v.Error(it.key(), "unknown field" + (guess.empty() ? "" : " (did you mean " +
                                                                    Quote(guess) + "?)"),
              true);
    }
  }
  for (const char* name : {"apiVersion", "kind", "metadata"}) {
    if (!object.contains(name) || object[name].is_null()) v.Error(name, "required");
  }
  if (object.contains("apiVersion") && !object["apiVersion"].is_null()) {
    v.Check(object["apiVersion"], kApiVersion, "apiVersion");
  }
  if (object.contains("kind") && !object["kind"].is_null()) v.Check(object["kind"], kKind, "kind");
}

}  // namespace

std::string ClosestName(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const auto& k : known) {
    // A truncated name ("host" for "hostEnv") is as likely a slip as a typo.
    bool prefix = name.size() >= 3 && k.size() > name.size() && k.compare(0, name.size(), name) == 0;
    size_t d = prefix ? 1 : EditDistance(name, k);
    if (d < best_distance) best = k, best_distance = d;
  }
  return best;
}

bool ValidateObject(json* object, const FieldLocator& locator,
                    std::vector<ManifestError>* errors) {
  size_t first_error = errors->size();
  Validator v(locator, errors);
  CheckTopLevel(*object, v);
  if (object->contains("metadata") && !(*object)["metadata"].is_null()) {
    v.Check((*object)["metadata"], MetadataSchema(), "metadata");
  }
  if (object->contains("spec") && (*object)["spec"].is_null()) object->erase("spec");
  bool is_template = object->value("kind", json()) == kKindSandboxTemplate;
  if (is_template && object->contains("spec") && (*object)["spec"].is_object() &&
      (*object)["spec"].contains("templateRef")) {
    v.Error("spec.templateRef", "a SandboxTemplate cannot itself name a template", true);
    (*object)["spec"].erase("templateRef");
  }
  bool is_gitsync = object->value("kind", json()) == kKindGitSync;
  if (is_gitsync && !object->contains("spec")) v.Error("spec", "required (spec.repo names the repository)");
  // value("kind", "") would throw on a kind that is not a string (`kind:`).
  const json kind = object->value("kind", json());
  const Schema* pool_kind = PoolKindSpecSchema(kind.is_string() ? kind.get<std::string>() : "");
  if (object->contains("spec")) {
    const Schema& schema = is_gitsync ? GitSyncSpecSchema() : pool_kind != nullptr ? *pool_kind : SpecSchema(is_template);
    v.Check((*object)["spec"], schema, "spec");
  }
  if (v.ok()) CheckPoolRules(*object, locator, errors);
  // JSON objects iterate in key order; report in source order instead.
  std::stable_sort(errors->begin() + static_cast<std::ptrdiff_t>(first_error), errors->end(),
                   [](const ManifestError& a, const ManifestError& b) {
                     return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
                   });
  return v.ok();
}

}  // namespace sesame::specs
