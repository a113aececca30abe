#include "specs/yaml_builder.h"

#include <utility>

#include "specs/yaml_scalar.h"

namespace sesame::specs {

using nlohmann::json;

void DocumentBuilder::StartDocument(SourceMap::Mark mark) {
  if (++documents_ > kMaxDocuments) {
    throw YamlAbort{mark, "more than " + std::to_string(kMaxDocuments) + " documents"};
  }
  frames_.clear();
  discarded_.clear();
  doc_.value = nullptr;
  doc_.source.Clear();
}

void DocumentBuilder::EndDocument() {
  frames_.clear();
  discarded_.clear();
  if (doc_.value.is_null()) return;
  ++sent_;
  sink_->Document(doc_);
}

DocumentBuilder::Slot DocumentBuilder::NextSlot() {
  Slot slot;
  if (frames_.empty()) {
    slot.node = &doc_.value;
    return slot;
  }
  Frame& f = frames_.back();
  slot.recorded = f.recorded;
  if (!f.is_map) {
    slot.path = doc_.source.Item(f.path, f.node->size());
    f.node->push_back(nullptr);
    slot.node = &f.node->back();
    return slot;
  }
  if (!f.has_key) return slot;  // a key
  f.has_key = false;
  slot.path = f.value_path;
  slot.node = f.value;
  if (slot.node == nullptr) {  // the value of a duplicate key
    slot.node = &discarded_.emplace_back();
    slot.recorded = false;
  }
  return slot;
}

void DocumentBuilder::AddKey(SourceMap::Mark mark, std::string_view text, ScalarKind kind) {
  Frame& f = frames_.back();
  if (kind == ScalarKind::kNull || (kind == ScalarKind::kPlain && text.empty())) {
    throw YamlAbort{mark, "empty mapping key"};
  }
  f.has_key = true;
  auto [it, inserted] = f.node->get_ref<json::object_t&>().try_emplace(std::string(text));
  f.value = inserted ? &it->second : nullptr;
  f.value_path = doc_.source.Child(f.path, text);
  if (!inserted) {
    errors_->push_back({{file_, mark.line, mark.column},
                        doc_.source.PathString(f.value_path),
                        "duplicate key \"" + std::string(text) + "\""});
  } else if (f.recorded) {
    doc_.source.SetKey(f.value_path, mark);
  }
}

void DocumentBuilder::Scalar(SourceMap::Mark mark, std::string_view text, ScalarKind kind) {
  Slot slot = NextSlot();
  if (slot.node == nullptr) return AddKey(mark, text, kind);
  json value;
  if (kind == ScalarKind::kPlain) {
    value = ResolvePlainScalar(text);
  } else if (kind == ScalarKind::kString) {
    value = std::string(text);
  }
  if (slot.recorded) {
    doc_.source.SetValue(slot.path, mark);
    if (kind == ScalarKind::kPlain && !value.is_string() && !text.empty()) {
      doc_.source.SetRaw(slot.path, text);
    }
  }
  *slot.node = std::move(value);
}

void DocumentBuilder::Open(SourceMap::Mark mark, bool is_map) {
  if (frames_.size() >= static_cast<size_t>(kMaxNestingDepth)) {
    throw YamlAbort{mark,
                    "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels"};
  }
  Slot slot = NextSlot();
  if (slot.node == nullptr) {
    throw YamlAbort{mark, "mapping keys must be strings, not lists or mappings"};
  }
  if (slot.recorded) doc_.source.SetValue(slot.path, mark);
  *slot.node = is_map ? json::object() : json::array();
  Frame frame;
  frame.node = slot.node;
  frame.path = slot.path;
  frame.is_map = is_map;
  frame.recorded = slot.recorded;
  frames_.push_back(frame);
}

}  // namespace sesame::specs
