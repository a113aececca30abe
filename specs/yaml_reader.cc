#include "specs/yaml_reader.h"

#include <cstdio>
#include <optional>

#include "specs/yaml_builder.h"

namespace sesame::specs {

namespace {

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
  if (text.find('\t') == std::string_view::npos) return std::nullopt;
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

}  // namespace

SourceMap::SourceMap() { paths_.push_back({kRoot, 0, 0, -1, true}); }

void SourceMap::Clear() {
  paths_.resize(1);
  records_.clear();
  text_.clear();
  root_only_empty_ = true;
  has_root_value_ = false;
  index_.reset();
}

uint32_t SourceMap::Append(std::string_view text) {
  auto offset = static_cast<uint32_t>(text_.size());
  text_.append(text);
  return offset;
}

SourceMap::PathId SourceMap::Child(PathId parent, std::string_view key) {
  bool empty = paths_[parent].empty && key.empty();
  if (empty) root_only_empty_ = false;
  paths_.push_back({parent, Append(key), static_cast<uint32_t>(key.size()), -1, empty});
  return static_cast<PathId>(paths_.size() - 1);
}

SourceMap::PathId SourceMap::Item(PathId parent, size_t index) {
  paths_.push_back({parent, 0, 0, static_cast<int64_t>(index), false});
  return static_cast<PathId>(paths_.size() - 1);
}

void SourceMap::SetValue(PathId path, Mark mark) {
  if (path == kRoot) {
    has_root_value_ = true;
    root_value_ = mark;
  }
  records_.push_back({kValue, path, mark, 0, 0});
}

void SourceMap::SetRaw(PathId path, std::string_view text) {
  records_.push_back({kRaw, path, {}, Append(text), static_cast<uint32_t>(text.size())});
}

std::string SourceMap::PathString(PathId id) const {
  const PathEntry& e = paths_[id];
  if (id == kRoot) return "";
  std::string parent = PathString(e.parent);
  if (e.index >= 0) return parent + "[" + std::to_string(e.index) + "]";
  return JoinPath(parent, text_.substr(e.key_offset, e.key_length));
}

const SourceMap::Index& SourceMap::GetIndex() const {
  if (index_ != nullptr) return *index_;
  index_ = std::make_unique<Index>();
  // Parents come before their children, so one pass builds every path.
  std::vector<std::string> strings(paths_.size());
  for (size_t i = 1; i < paths_.size(); ++i) {
    const PathEntry& e = paths_[i];
    const std::string& parent = strings[e.parent];
    if (e.index >= 0) {
      strings[i] = parent + "[" + std::to_string(e.index) + "]";
    } else {
      strings[i] = JoinPath(parent, text_.substr(e.key_offset, e.key_length));
    }
  }
  for (const Record& r : records_) {
    const std::string& path = strings[r.path];
    switch (r.kind) {
      case kKey: index_->keys[path] = r.mark; break;
      case kValue: index_->values[path] = r.mark; break;
      case kRaw: index_->raw[path] = text_.substr(r.raw_offset, r.raw_length); break;
    }
  }
  return *index_;
}

const SourceMap::Mark* SourceMap::FindKey(const std::string& path) const {
  if (path.empty() && root_only_empty_) return nullptr;
  const auto& keys = GetIndex().keys;
  auto it = keys.find(path);
  return it == keys.end() ? nullptr : &it->second;
}

const SourceMap::Mark* SourceMap::FindValue(const std::string& path) const {
  if (path.empty() && root_only_empty_) return has_root_value_ ? &root_value_ : nullptr;
  const auto& values = GetIndex().values;
  auto it = values.find(path);
  return it == values.end() ? nullptr : &it->second;
}

const std::string* SourceMap::FindRaw(const std::string& path) const {
  const auto& raw = GetIndex().raw;
  auto it = raw.find(path);
  return it == raw.end() ? nullptr : &it->second;
}

std::vector<ManifestError> ReadYaml(std::string_view text, const std::string& file,
                                    YamlDocumentSink* sink) {
  if (text.size() > kMaxManifestBytes) {
    return {{{file, 0, 0}, "", "the input is " + MiB(text.size()) + "; the limit is " +
                                   std::to_string(kMaxManifestBytes >> 20) + " MiB"}};
  }
  if (auto tab = FindIndentationTab(text, file)) return {*tab};
  std::vector<ManifestError> errors;
  size_t sent = 0;
  if (!ReadYamlWithSubset(text, file, sink, &sent)) {
    sink->Restart();
    errors = ReadYamlWithYamlCpp(text, file, sink, &sent);
  }
  if (sent == 0 && errors.empty()) errors.push_back({{file, 0, 0}, "", "no documents in file"});
  return errors;
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
  for (std::string p = Full(path);; p = ParentPath(p)) {
    const SourceMap::Mark* m = key_first ? source_.FindKey(p) : source_.FindValue(p);
    if (m == nullptr) m = key_first ? source_.FindValue(p) : source_.FindKey(p);
    if (m != nullptr) return {file_, m->line, m->column};
    if (p.empty()) return {file_, 0, 0};
  }
}

SourcePos FieldLocator::Key(const std::string& path) const { return Find(path, true); }
SourcePos FieldLocator::Value(const std::string& path) const { return Find(path, false); }

const std::string* FieldLocator::Raw(const std::string& path) const {
  return source_.FindRaw(Full(path));
}

}  // namespace sesame::specs
