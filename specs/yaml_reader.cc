#include "specs/yaml_reader.h"

#include <cstdio>
#include <deque>
#include <optional>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "specs/yaml_scalar.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

SourceMap::Mark ToMark(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

// Thrown from the event handler to stop the parser: the input cannot be
// read further (an alias, too deep, too many documents).
struct Abort {
  YAML::Mark mark;
  std::string message;
};

// Builds the JSON value of one document from parser events.
class DocumentBuilder final : public YAML::EventHandler {
 public:
  DocumentBuilder(const std::string& file, std::vector<ManifestError>* errors)
      : file_(file), errors_(errors) {}

  YamlDocument Take() {
    frames_.clear();
    discarded_.clear();
    return std::move(doc_);
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > kMaxDocuments) {
      throw Abort{mark, "more than " + std::to_string(kMaxDocuments) + " documents"};
    }
    doc_ = YamlDocument();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    AddScalar(mark, nullptr, "", /*plain=*/true);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Abort{mark, "aliases (*name) are not supported in manifests"};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "seq");
    Open(mark, json::array());
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "map");
    Open(mark, json::object());
  }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct Frame {
    json* node = nullptr;
    std::string path;
    bool is_map = false;
    bool recorded = true;        // false inside a dropped duplicate: keep no positions
    bool has_key = false;   // a mapping key was read; its value comes next
    bool drop_value = false;
    std::string key;
  };
  // Where the next node goes; node is nullptr when it is a mapping key.
  struct Slot {
    json* node = nullptr;
    std::string path;
    bool recorded = true;
  };

  Slot NextSlot();
  void AddScalar(const YAML::Mark& mark, json value, const std::string& text, bool plain);
  void AddKey(const YAML::Mark& mark, const json& value, const std::string& text);
  void Open(const YAML::Mark& mark, json empty);
  void CheckCollectionTag(const YAML::Mark& mark, const std::string& tag, const char* kind);

  const std::string& file_;
  std::vector<ManifestError>* errors_;
  YamlDocument doc_;
  std::vector<Frame> frames_;
  // Values of duplicate keys land here; a deque keeps their addresses stable.
  std::deque<json> discarded_;
  size_t documents_ = 0;
};

DocumentBuilder::Slot DocumentBuilder::NextSlot() {
  Slot slot;
  if (frames_.empty()) {
    slot.node = &doc_.value;
    return slot;
  }
  Frame& f = frames_.back();
  slot.recorded = f.recorded;
  if (!f.is_map) {
    slot.path = f.path + "[" + std::to_string(f.node->size()) + "]";
    f.node->push_back(nullptr);
    slot.node = &f.node->back();
    return slot;
  }
  if (!f.has_key) return slot;  // a key
  f.has_key = false;
  slot.path = JoinPath(f.path, f.key);
  if (f.drop_value) {
    slot.node = &discarded_.emplace_back();
    slot.recorded = false;
  } else {
    slot.node = &(*f.node)[f.key];
  }
  return slot;
}

void DocumentBuilder::AddKey(const YAML::Mark& mark, const json& value, const std::string& text) {
  Frame& f = frames_.back();
  if (value.is_null() && text.empty()) throw Abort{mark, "empty mapping key"};
  f.key = text;
  f.has_key = true;
  f.drop_value = f.node->contains(text);
  std::string path = JoinPath(f.path, text);
  if (f.drop_value) {
    SourceMap::Mark m = ToMark(mark);
    errors_->push_back({{file_, m.line, m.column}, path, "duplicate key \"" + text + "\""});
  } else if (f.recorded) {
    doc_.source.keys[path] = ToMark(mark);
  }
}

void DocumentBuilder::AddScalar(const YAML::Mark& mark, json value, const std::string& text,
                                bool plain) {
  Slot slot = NextSlot();
  if (slot.node == nullptr) return AddKey(mark, value, text);
  if (slot.recorded) {
    doc_.source.values[slot.path] = ToMark(mark);
    if (plain && !value.is_string() && !text.empty()) doc_.source.raw[slot.path] = text;
  }
  *slot.node = std::move(value);
}

void DocumentBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                               const std::string& value) {
  static const std::string kCore = "tag:yaml.org,2002:";
  // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
  if (tag == "?" || tag.empty()) return AddScalar(mark, ResolvePlainScalar(value), value, true);
  if (tag == "!" || tag == kCore + "str") return AddScalar(mark, value, value, false);
  if (tag == kCore + "int" || tag == kCore + "float" || tag == kCore + "bool" ||
      tag == kCore + "null") {
    return AddScalar(mark, ResolvePlainScalar(value), value, true);
  }
  throw Abort{mark, "tag \"" + tag + "\" is not supported in manifests"};
}

void DocumentBuilder::Open(const YAML::Mark& mark, json empty) {
  if (frames_.size() >= static_cast<size_t>(kMaxNestingDepth)) {
    throw Abort{mark, "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels"};
  }
  Slot slot = NextSlot();
  if (slot.node == nullptr) throw Abort{mark, "mapping keys must be strings, not lists or mappings"};
  if (slot.recorded) doc_.source.values[slot.path] = ToMark(mark);
  bool is_map = empty.is_object();
  *slot.node = std::move(empty);
  Frame frame;
  frame.node = slot.node;
  frame.path = slot.path;
  frame.is_map = is_map;
  frame.recorded = slot.recorded;
  frames_.push_back(std::move(frame));
}

void DocumentBuilder::CheckCollectionTag(const YAML::Mark& mark, const std::string& tag,
                                         const char* kind) {
  if (tag.empty() || tag == "?" || tag == "!" || tag == std::string("tag:yaml.org,2002:") + kind) {
    return;
  }
  throw Abort{mark, "tag \"" + tag + "\" is not supported in manifests"};
}

// True when the line, comment stripped, ends in a block scalar header
// ("key: |", "- >-"): the lines indented below it are text, tabs included.
bool EndsWithBlockScalarHeader(std::string_view line) {
  size_t hash = line.find(" #");
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  size_t start = line.find_last_of(" \t");
  std::string_view token = start == std::string_view::npos ? line : line.substr(start + 1);
  if (token.empty() || (token[0] != '|' && token[0] != '>')) return false;
  return token.find_first_not_of("+-0123456789", 1) == std::string_view::npos;
}

bool IsDocumentMarker(std::string_view line) {
  return (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// YAML forbids tabs in block indentation, and yaml-cpp would misread them
// silently; JSON documents may use tabs freely.
std::optional<ManifestError> FindIndentationTab(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  bool document_start = true, json_document = false;
  int block_indent = -1;  // inside a block scalar below a line of this indentation
  int line_no = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    if (IsDocumentMarker(line)) {
      document_start = true;
      json_document = false;
      block_indent = -1;
      line = line.substr(3);
    }
    size_t content = line.find_first_not_of(" \t\r");
    if (content == std::string_view::npos) continue;
    int spaces = static_cast<int>(line.find_first_not_of(' '));
    if (block_indent >= 0 && spaces > block_indent) continue;
    block_indent = -1;
    char first = line[content];
    if (document_start && first != '#' && first != '%') {
      json_document = first == '{' || first == '[';
      document_start = false;
    }
    if (json_document || first == '#') continue;
    size_t tab = line.substr(0, content).find('\t');
    if (tab != std::string_view::npos) {
      return ManifestError{{file, line_no, static_cast<int>(tab) + 1}, "",
                           "tab character in indentation (YAML allows only spaces)"};
    }
    if (EndsWithBlockScalarHeader(line)) block_indent = spaces;
  }
  return std::nullopt;
}

std::string MiB(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

ManifestError ErrorAt(const std::string& file, const YAML::Mark& mark, std::string message) {
  SourceMap::Mark m = ToMark(mark);
  return {{file, m.line, m.column}, "", std::move(message)};
}

}  // namespace

YamlReadResult ReadYaml(std::string_view text, const std::string& file) {
  YamlReadResult result;
  if (text.size() > kMaxManifestBytes) {
    result.errors.push_back({{file, 0, 0}, "", "the input is " + MiB(text.size()) +
                                                  "; the limit is " +
                                                  std::to_string(kMaxManifestBytes >> 20) +
                                                  " MiB"});
    return result;
  }
  if (auto tab = FindIndentationTab(text, file)) {
    result.errors.push_back(*tab);
    return result;
  }
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentBuilder builder(file, &result.errors);
  try {
    while (parser.HandleNextDocument(builder)) {
      YamlDocument doc = builder.Take();
      if (!doc.value.is_null()) result.documents.push_back(std::move(doc));
    }
  } catch (const Abort& e) {
    result.errors.push_back(ErrorAt(file, e.mark, e.message));
  } catch (const YAML::DeepRecursion& e) {
    result.errors.push_back(ErrorAt(file, e.mark, "nesting is too deep"));
  } catch (const YAML::Exception& e) {
    result.errors.push_back(ErrorAt(file, e.mark, e.msg));
  } catch (const std::exception& e) {
    result.errors.push_back({{file, 0, 0}, "", std::string("cannot read: ") + e.what()});
  }
  if (result.documents.empty() && result.errors.empty()) {
    result.errors.push_back({{file, 0, 0}, "", "no documents in file"});
  }
  return result;
}

std::string JoinPath(const std::string& parent, const std::string& key) {
  if (parent.empty()) return key;
  if (key.empty()) return parent;
  return parent + "." + key;
}

std::string ParentPath(const std::string& path) {
  size_t cut = path.find_last_of(".[");
  return cut == std::string::npos ? "" : path.substr(0, cut);
}

SourcePos FieldLocator::Find(const std::string& path, bool key_first) const {
  auto lookup = [](const auto& map, const std::string& p) -> const SourceMap::Mark* {
    auto it = map.find(p);
    return it == map.end() ? nullptr : &it->second;
  };
  for (std::string p = Full(path);; p = ParentPath(p)) {
    const SourceMap::Mark* m = lookup(key_first ? source_.keys : source_.values, p);
    if (m == nullptr) m = lookup(key_first ? source_.values : source_.keys, p);
    if (m != nullptr) return {file_, m->line, m->column};
    if (p.empty()) return {file_, 0, 0};
  }
}

SourcePos FieldLocator::Key(const std::string& path) const { return Find(path, true); }
SourcePos FieldLocator::Value(const std::string& path) const { return Find(path, false); }

const std::string* FieldLocator::Raw(const std::string& path) const {
  auto it = source_.raw.find(Full(path));
  return it == source_.raw.end() ? nullptr : &it->second;
}

}  // namespace sesame::specs
