// The fast reader: libyaml's event parser feeding a DocumentBuilder, for
// input within a subset of YAML that libyaml and yaml-cpp are known to read
// alike, positions included. Outside it, or on any error, it gives up and
// the caller reads the input again with yaml-cpp, so that every message is
// yaml-cpp's.
//
// The subset: printable ASCII and newlines only (libyaml counts columns in
// characters, yaml-cpp in bytes); no directives, "..." markers, anchors,
// aliases, tags or block scalars; single-line scalars, plain ones made of
// characters that end a scalar in neither parser, double-quoted ones with
// common escapes only; no empty values except empty documents; every
// mapping key simple ("?" is for complex keys) and followed by its ":" on
// the same line.

#include <yaml.h>

#include <cstring>
#include <exception>
#include <vector>

#include "specs/yaml_builder.h"

namespace sesame::specs {

namespace {

using Kind = DocumentBuilder::ScalarKind;

bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if ((c < 0x20 || c > 0x7e) && c != '\n') return false;
  }
  return true;
}

// Characters that both parsers keep inside a plain scalar, in either
// context; in block context ':' and ',' too (libyaml has already checked
// that no ':' is followed by a space).
bool IsPlainChar(char c, bool flow) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case ' ': case '_': case '.': case '-': case '/': case '+': case '=': case '~':
    case '(': case ')': case '$': case '^': case ';': case '\\':
      return true;
    case ':': case ',':
      return !flow;
    default:
      return false;
  }
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Escapes whose meaning both parsers agree on.
bool HasOnlyCommonEscapes(std::string_view body) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') continue;
    if (++i == body.size()) return false;
    switch (body[i]) {
      case '"': case '\\': case '/': case 'n': case 't': case 'r': case 'b': case 'f':
        break;
      case 'u': {
        if (i + 4 >= body.size()) return false;
        for (size_t k = 1; k <= 4; ++k) {
          if (!IsHex(body[i + k])) return false;
        }
        unsigned code = 0;
        for (size_t k = 1; k <= 4; ++k) {
          char c = body[i + k];
          code = code * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        if (code == 0 || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += 4;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

class Reader {
 public:
  Reader(std::string_view text, const std::string& file, YamlDocumentSink* sink)
      : text_(text), builder_(file, &errors_, sink) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Reader() { yaml_parser_delete(&parser_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // False when the input is outside the subset or has an error.
  bool Run();
  size_t sent() const { return builder_.sent(); }

 private:
  struct Collection {
    bool is_map;
    bool flow;
    bool key_next;  // a map's next node is a key
  };

  enum class Outcome { kGiveUp, kContinue, kDocumentEnd };
  Outcome Handle(const yaml_event_t& event);
  bool HandleScalar(const yaml_event_t& event);
  bool HandleStart(const yaml_event_t& event, bool is_map);
  bool CheckPlain(std::string_view value, const yaml_event_t& event) const;
  bool CheckQuoted(const yaml_event_t& event, char quote) const;
  bool FollowedByColon(size_t end) const;
  bool PrecededByKeyStart(size_t begin) const;
  // The next node fills a slot of the innermost collection: true for a key.
  bool TakeSlot();
  bool InFlow() const { return !stack_.empty() && stack_.back().flow; }

  static SourceMap::Mark MarkOf(const yaml_mark_t& m) {
    return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

  std::string_view text_;
  yaml_parser_t parser_;
  std::vector<ManifestError> errors_;  // duplicate keys: giving up
  DocumentBuilder builder_;
  std::vector<Collection> stack_;
  bool block_map_opened_ = false;  // its first key must start where it does
  size_t block_map_index_ = 0;
};

bool Reader::Run() {
  for (;;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser_, &event)) return false;
    bool end = event.type == YAML_STREAM_END_EVENT;
    Outcome outcome = Outcome::kGiveUp;
    try {
      outcome = Handle(event);
    } catch (const YamlAbort&) {
    } catch (const std::exception&) {
    }
    yaml_event_delete(&event);
    if (outcome == Outcome::kGiveUp || !errors_.empty()) return false;
    // Outside the handlers above: what the sink throws is not ours.
    if (outcome == Outcome::kDocumentEnd) builder_.EndDocument();
    if (end) return true;
  }
}

Reader::Outcome Reader::Handle(const yaml_event_t& event) {
  auto go_on = [](bool ok) { return ok ? Outcome::kContinue : Outcome::kGiveUp; };
  switch (event.type) {
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
      return Outcome::kContinue;
    case YAML_DOCUMENT_START_EVENT:
      if (event.data.document_start.version_directive != nullptr ||
          event.data.document_start.tag_directives.start !=
              event.data.document_start.tag_directives.end) {
        return Outcome::kGiveUp;
      }
      builder_.StartDocument(MarkOf(event.start_mark));
      return Outcome::kContinue;
    case YAML_DOCUMENT_END_EVENT:
      // An explicit end ("...") is outside the subset.
      return event.data.document_end.implicit ? Outcome::kDocumentEnd : Outcome::kGiveUp;
    case YAML_SCALAR_EVENT:
      return go_on(HandleScalar(event));
    case YAML_SEQUENCE_START_EVENT:
      return go_on(HandleStart(event, false));
    case YAML_MAPPING_START_EVENT:
      return go_on(HandleStart(event, true));
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      stack_.pop_back();
      builder_.End();
      return Outcome::kContinue;
    default:  // aliases
      return Outcome::kGiveUp;
  }
}

bool Reader::TakeSlot() {
  if (stack_.empty() || !stack_.back().is_map) return false;
  Collection& c = stack_.back();
  bool key = c.key_next;
  c.key_next = !c.key_next;
  return key;
}

bool Reader::HandleStart(const yaml_event_t& event, bool is_map) {
  const auto& data = event.data;
  const yaml_char_t* anchor = is_map ? data.mapping_start.anchor : data.sequence_start.anchor;
  const yaml_char_t* tag = is_map ? data.mapping_start.tag : data.sequence_start.tag;
  if (anchor != nullptr || tag != nullptr || block_map_opened_) return false;
  bool flow = is_map ? data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                     : data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
  size_t at = event.start_mark.index;
  if (at >= text_.size()) return false;
  char expected = flow ? (is_map ? '{' : '[') : (is_map ? 0 : '-');
  if (expected != 0 && text_[at] != expected) return false;
  if (TakeSlot()) return false;  // a collection as a key
  if (is_map && !flow) {
    block_map_opened_ = true;
    block_map_index_ = at;
  }
  stack_.push_back({is_map, flow, true});
  if (is_map) {
    builder_.StartMap(MarkOf(event.start_mark));
  } else {
    builder_.StartSequence(MarkOf(event.start_mark));
  }
  return true;
}

bool Reader::HandleScalar(const yaml_event_t& event) {
  const auto& s = event.data.scalar;
  if (s.anchor != nullptr || s.tag != nullptr) return false;
  std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
  if (block_map_opened_) {
    if (event.start_mark.index != block_map_index_) return false;
    block_map_opened_ = false;
  }
  bool key = TakeSlot();
  if (key && (!PrecededByKeyStart(event.start_mark.index) ||
              !FollowedByColon(event.end_mark.index))) {
    return false;
  }
  Kind kind = Kind::kString;
  switch (s.style) {
    case YAML_PLAIN_SCALAR_STYLE:
      if (value.empty()) {
        // Only an empty document, which both parsers drop.
        if (!stack_.empty()) return false;
        kind = Kind::kNull;
        break;
      }
      if (!CheckPlain(value, event)) return false;
      // yaml-cpp reports these as nulls without text.
      kind = value == "~" || value == "null" || value == "Null" || value == "NULL" ? Kind::kNull
                                                                                   : Kind::kPlain;
      if (kind == Kind::kNull) value = {};
      break;
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      if (!CheckQuoted(event, '\'')) return false;
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      if (!CheckQuoted(event, '"')) return false;
      break;
    default:
      return false;
  }
  builder_.Scalar(MarkOf(event.start_mark), value, kind);
  return true;
}

bool Reader::CheckPlain(std::string_view value, const yaml_event_t& event) const {
  size_t begin = event.start_mark.index, end = event.end_mark.index;
  if (event.start_mark.line != event.end_mark.line || end - begin != value.size() ||
      end > text_.size() || text_.substr(begin, end - begin) != value) {
    return false;
  }
  if (value[0] == ':' || value[0] == '#' || (value[0] == '-' && value.size() < 2)) return false;
  bool flow = InFlow();
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (IsPlainChar(c, flow)) continue;
    // "a#b" is no comment; in flow, "a:b" is one scalar to both parsers.
    if (c == '#' && value[i - 1] != ' ') continue;
    if (c == ':' && i + 1 < value.size() && value[i + 1] != ' ' && IsPlainChar(value[i + 1], flow)) {
      continue;
    }
    return false;
  }
  return true;
}

bool Reader::CheckQuoted(const yaml_event_t& event, char quote) const {
  size_t begin = event.start_mark.index, end = event.end_mark.index;
  if (event.start_mark.line != event.end_mark.line || end > text_.size() || end - begin < 2 ||
      text_[begin] != quote || text_[end - 1] != quote) {
    return false;
  }
  return quote != '"' || HasOnlyCommonEscapes(text_.substr(begin + 1, end - begin - 2));
}

bool Reader::FollowedByColon(size_t end) const {
  while (end < text_.size() && text_[end] == ' ') ++end;
  return end < text_.size() && text_[end] == ':';
}

// A key starts a line, follows "- " or "--- ", or follows "{" or "," in flow;
// never "?", which both parsers take for a complex key, perhaps differently.
bool Reader::PrecededByKeyStart(size_t begin) const {
  while (begin > 0 && text_[begin - 1] == ' ') --begin;
  if (begin == 0) return true;
  char c = text_[begin - 1];
  return c == '\n' || c == '-' || c == '{' || c == ',';
}

}  // namespace

bool ReadYamlWithLibyaml(std::string_view text, const std::string& file, YamlDocumentSink* sink,
                         size_t* sent) {
  if (!IsPrintableAscii(text)) return false;
  Reader reader(text, file, sink);
  bool ok = reader.Run();
  *sent = reader.sent();
  return ok;
}

}  // namespace sesame::specs
