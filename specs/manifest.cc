#include "specs/manifest.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/codec_json.h"
#include "specs/gitsync.h"
#include "specs/object_json.h"
#include "specs/validate.h"
#include "specs/yaml_reader.h"

namespace sesame::specs {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A Sandbox without a template is stored complete, defaults filled. A
// Sandbox with a template, and a template, keep only what the user wrote,
// so that the merge can tell which fields the sandbox set.
// `object` has passed validation, and has a spec.
std::string NormalizedSpec(const json& object, std::string* error) {
  const json& spec = object["spec"];
  if (object["kind"] == kKindGitSync) {
    // Stored as written; the rules the schema cannot express checked here.
    std::string text = CompactJson(spec);
    if (auto decoded = DecodeGitSyncSpec(text); !decoded.ok()) *error = decoded.status().message();
    return text;
  }
  bool complete = object["kind"] == kKindSandbox && !spec.contains("templateRef") &&
                  !spec.contains("poolRef");
  if (!complete) return CompactJson(spec);
  Result<SandboxSpec> decoded = DecodeSandboxSpecJson(spec);
  if (!decoded.ok()) {
    *error = decoded.status().message();
    return "";
  }
  return EncodeSandboxSpec(*decoded);
}

void AddObject(json& object, const FieldLocator& locator, ParsedManifests* out) {
  if (!object.is_object()) {
    SourcePos pos = locator.Value("");
    out->errors.push_back({pos, "", "expected a mapping (an object), got a " +
                                        std::string(object.is_array() ? "list" : "scalar")});
    return;
  }
  if (!ValidateObject(&object, locator, &out->errors)) return;
  if (!object.contains("spec")) object["spec"] = json::object();
  Object o;
  o.kind = object["kind"].get<std::string>();
  o.metadata = MetaFromJson(object["metadata"]);
  std::string error;
  o.spec = NormalizedSpec(object, &error);
  if (!error.empty()) {
    out->errors.push_back({locator.Value("spec"), "spec", error});
    return;
  }
  out->objects.push_back(std::move(o));
  out->origins.push_back(locator.Value(""));
}

bool IsListWrapper(const json& doc) {
  if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array()) return false;
  // kind may be anything here ("kind:" with no value is null): only a
  // string names a List.
  const json& kind_value = doc.contains("kind") ? doc["kind"] : json();
  std::string kind = kind_value.is_string() ? kind_value.get<std::string>() : "";
  return kind == "List" || kind == "SandboxList" || kind == "SandboxTemplateList" ||
         kind == "GitSyncList" || kind == "SandboxPoolList" || kind == "SandboxQuotaList";
}

// A document holds one object, a JSON array of objects, or a List.
void AddDocument(YamlDocument& doc, const std::string& file, ParsedManifests* out) {
  std::string items_path;
  json* items = nullptr;
  if (doc.value.is_array()) {
    items = &doc.value;
  } else if (IsListWrapper(doc.value)) {
    items = &doc.value["items"];
    items_path = "items";
  }
  if (items == nullptr) {
    if (!doc.value.is_object()) {
      FieldLocator locator(file, doc.source, "");
      out->errors.push_back({locator.Value(""), "", "a document must be a mapping (an object)"});
      return;
    }
    return AddObject(doc.value, FieldLocator(file, doc.source, ""), out);
  }
  for (size_t i = 0; i < items->size(); ++i) {
    std::string prefix = items_path + "[" + std::to_string(i) + "]";
    AddObject((*items)[i], FieldLocator(file, doc.source, prefix), out);
  }
}

// Validates each document as soon as it is read, and frees it.
class ManifestSink final : public YamlDocumentSink {
 public:
  ManifestSink(const std::string& file, ParsedManifests* out) : file_(file), out_(*out) {}
  void Document(YamlDocument& doc) override { AddDocument(doc, file_, &out_); }
  void Restart() override { out_ = ParsedManifests(); }

 private:
  const std::string& file_;
  ParsedManifests& out_;
};

void Append(ParsedManifests&& from, ParsedManifests* to) {
  for (auto& o : from.objects) to->objects.push_back(std::move(o));
  for (auto& p : from.origins) to->origins.push_back(std::move(p));
  for (auto& e : from.errors) to->errors.push_back(std::move(e));
}

std::string SizeError(uintmax_t bytes) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "the input is %.1f MiB; the limit is %zu MiB",
                static_cast<double>(bytes) / (1 << 20), kMaxManifestBytes >> 20);
  return buf;
}

void LoadFile(const std::string& path, ParsedManifests* out) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxManifestBytes) {
    out->errors.push_back({{path, 0, 0}, "", SizeError(size)});
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out->errors.push_back({{path, 0, 0}, "", "cannot read the file"});
    return;
  }
  std::ostringstream buffer;  // in one go, not a byte at a time
  buffer << in.rdbuf();
  Append(ParseManifests(std::move(buffer).str(), path), out);
}

bool IsManifestName(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

void LoadDirectory(const fs::path& dir, bool recursive, ParsedManifests* out) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind('.', 0) != 0) entries.push_back(*it);
  }
  if (ec) {
    out->errors.push_back({{dir.string(), 0, 0}, "", "cannot list the directory: " + ec.message()});
    return;
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& entry : entries) {
    if (entry.is_directory(ec)) {
      if (recursive) LoadDirectory(entry.path(), recursive, out);
    } else if (IsManifestName(entry.path())) {
      LoadFile(entry.path().string(), out);
    }
  }
}

}  // namespace

std::string ManifestError::ToString() const {
  std::string out = pos.file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

std::string ParsedManifests::ErrorText() const {
  std::string out;
  for (const auto& e : errors) out += e.ToString() + "\n";
  return out;
}

ParsedManifests ParseManifests(std::string_view text, const std::string& file) {
  ParsedManifests out;
  ManifestSink sink(file, &out);
  std::vector<ManifestError> read_errors = ReadYaml(text, file, &sink);
  // Reading errors come first, then each object's.
  out.errors.insert(out.errors.begin(), std::make_move_iterator(read_errors.begin()),
                    std::make_move_iterator(read_errors.end()));
  return out;
}

ParsedManifests LoadManifests(const std::vector<std::string>& paths, bool recursive) {
  ParsedManifests out;
  for (const std::string& path : paths) {
    if (path == "-") {
      std::ostringstream buffer;
      buffer << std::cin.rdbuf();
      Append(ParseManifests(buffer.str(), "-"), &out);
      continue;
    }
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      out.errors.push_back({{path, 0, 0}, "", "no such file or directory"});
    } else if (fs::is_directory(status)) {
      LoadDirectory(path, recursive, &out);
    } else {
      LoadFile(path, &out);  // named explicitly: read whatever its extension
    }
  }
  return out;
}

}  // namespace sesame::specs
