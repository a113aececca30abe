// The fast reader: a scanner for the plain subset of YAML that manifests are
// written in, feeding a DocumentBuilder. It accepts only what it knows
// yaml-cpp to read the same way, positions included; on anything else, and
// on every error, it gives up and the caller reads the input again with
// yaml-cpp, so that every message is yaml-cpp's.
//
// The subset: printable ASCII and newlines only; documents separated by
// "---" lines; block mappings of simple keys and block sequences, nested by
// indentation ("- key: value" and sequences at their key's indentation
// included); flow collections on one line, or over many lines as a
// document of their own (JSON); single-line scalars: plain ones made of
// characters that end a scalar in neither parser, quoted ones with common
// escapes only. No directives, "..." markers, anchors, aliases, tags,
// block scalars, complex keys or empty values.

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "specs/yaml_builder.h"

namespace sesame::specs {

namespace {

using Kind = DocumentBuilder::ScalarKind;

// Thrown to stop at input outside the subset.
struct GiveUp {};

[[noreturn]] void Fail() { throw GiveUp{}; }

bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if ((c < 0x20 || c > 0x7e) && c != '\n') return false;
  }
  return true;
}

// Characters that both parsers keep inside a plain scalar wherever they
// are; block context adds ',' (':' and '#' are handled where they occur).
bool IsPlainChar(char c, bool flow) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '.': case '-': case '/': case '+': case '=': case '~':
    case '(': case ')': case '$': case '^': case ';': case '\\':
      return true;
    case ',':
      return !flow;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(unsigned code, std::string* out) {
  if (code < 0x80) {
    *out += static_cast<char>(code);
  } else if (code < 0x800) {
    *out += static_cast<char>(0xc0 | (code >> 6));
    *out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    *out += static_cast<char>(0xe0 | (code >> 12));
    *out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

class SubsetReader {
 public:
  SubsetReader(std::string_view text, const std::string& file, YamlDocumentSink* sink)
      : text_(text), builder_(file, &errors_, sink) {}

  // False when the input is outside the subset or has an error.
  bool Run();
  size_t sent() const { return builder_.sent(); }

 private:
  enum class Line { kContent, kDocumentStart, kEnd };
  struct Scalar {
    SourceMap::Mark mark;
    std::string_view value;  // into text_ or scratch_
    Kind kind = Kind::kPlain;
    size_t end = 0;  // just past the scalar
  };

  bool ParseDocument();  // false at the end of the input
  void ParseBlockNode(int parent_indent, bool multiline_flow);
  void ParseBlockMapping(int indent);
  void ParseBlockSequence(int indent, bool indentless);
  // A value on the rest of the current line; then the line must end.
  void ParseInlineValue(bool flow_allowed);
  void ParseFlow(bool multiline);
  void ParseFlowMapping(bool multiline);
  void ParseFlowSequence(bool multiline);
  void SkipFlowSpace(bool multiline);

  Scalar ScanScalar(size_t p, bool flow);
  void ScanDoubleQuoted(size_t p, Scalar* s);
  void ScanSingleQuoted(size_t p, Scalar* s);
  void ScanPlain(size_t p, bool flow, Scalar* s);
  // The block mapping key at pos_, if the line has one: with the position
  // of its ':'.
  bool ScanKey(Scalar* key, size_t* colon);
  // Whether a key from `key_start` to its ':' at `colon` is too long for
  // this reader (see the definition).
  bool IsLongKey(size_t key_start, size_t colon) const;
  void Emit(const Scalar& s) { builder_.Scalar(s.mark, s.value, s.kind); }

  Line NextContentLine();
  void EndLine();  // spaces and a comment to the end of the line, then past it
  void NewLine(size_t at) {  // text_[at] is '\n'
    ++line_;
    line_start_ = at + 1;
  }

  char Peek(size_t p) const { return p < text_.size() ? text_[p] : '\0'; }
  bool IsLineEnd(size_t p) const { return p >= text_.size() || text_[p] == '\n'; }
  int Indent() const { return static_cast<int>(pos_ - line_start_); }
  SourceMap::Mark MarkAt(size_t p) const {
    return {line_ + 1, static_cast<int>(p - line_start_) + 1};
  }
  bool IsSequenceEntry(size_t p) const {
    return Peek(p) == '-' && (Peek(p + 1) == ' ' || IsLineEnd(p + 1));
  }

  std::string_view text_;
  std::vector<ManifestError> errors_;  // duplicate keys: giving up
  DocumentBuilder builder_;
  size_t pos_ = 0;
  int line_ = 0;  // of pos_, 0-based
  size_t line_start_ = 0;
  size_t document_markers_ = 0;
  std::string scratch_;  // a quoted scalar with escapes
};

bool SubsetReader::Run() {
  for (;;) {
    bool more = false;
    try {
      more = ParseDocument();
    } catch (const GiveUp&) {
      return false;
    } catch (const YamlAbort&) {
      return false;
    } catch (const std::exception&) {
      return false;
    }
    if (!errors_.empty()) return false;
    if (!more) return true;
    // Outside the handlers above: what the sink throws is not ours.
    builder_.EndDocument();
  }
}

bool SubsetReader::ParseDocument() {
  Line line = NextContentLine();
  if (line == Line::kEnd) return false;
  if (line == Line::kDocumentStart) {
    // yaml-cpp counts documents its own way: stay clear of its limit.
    if (++document_markers_ >= kMaxDocuments) Fail();
    pos_ += 3;
    EndLine();
    line = NextContentLine();
  }
  builder_.StartDocument(MarkAt(pos_));
  if (line == Line::kContent) {
    ParseBlockNode(-1, /*multiline_flow=*/true);
    if (NextContentLine() == Line::kContent) Fail();
  }
  return true;
}

// Leaves pos_ at the first character of the next line with content, or at
// a "---" line, or at the end.
SubsetReader::Line SubsetReader::NextContentLine() {
  for (;;) {
    size_t p = pos_;
    while (Peek(p) == ' ') ++p;
    if (p >= text_.size()) {
      pos_ = p;
      return Line::kEnd;
    }
    char c = text_[p];
    if (c == '\n') {
      NewLine(p);
      pos_ = p + 1;
      continue;
    }
    if (c == '#') {
      while (!IsLineEnd(p)) ++p;
      pos_ = p;
      continue;
    }
    pos_ = p;
    std::string_view head = text_.substr(p, 3);
    if (p == line_start_ && (head == "---" || head == "...")) {
      if (head == "---" && (Peek(p + 3) == ' ' || IsLineEnd(p + 3))) return Line::kDocumentStart;
      Fail();  // "...", or a scalar that starts like a marker
    }
    return Line::kContent;
  }
}

void SubsetReader::EndLine() {
  size_t p = pos_;
  while (Peek(p) == ' ') ++p;
  if (Peek(p) == '#') {
    if (p == pos_) Fail();  // "a#": no comment
    while (!IsLineEnd(p)) ++p;
  }
  if (p < text_.size()) {
    if (text_[p] != '\n') Fail();
    NewLine(p);
    ++p;
  }
  pos_ = p;
}

// pos_ is at the first character of a content line, more indented than its
// parent.
void SubsetReader::ParseBlockNode(int parent_indent, bool multiline_flow) {
  int indent = Indent();
  if (indent <= parent_indent) Fail();
  char c = text_[pos_];
  if (IsSequenceEntry(pos_)) return ParseBlockSequence(indent, false);
  if (c == '[' || c == '{') {
    ParseFlow(multiline_flow);
    return EndLine();
  }
  Scalar key;
  size_t colon;
  if (ScanKey(&key, &colon)) return ParseBlockMapping(indent);
  ParseInlineValue(false);
}

// YAML limits implicit keys, in block and flow mappings alike, to 1024
// characters up to their ':'; yaml-cpp then no longer sees the key and
// reports an error. Keys anywhere near that long are left to yaml-cpp, with
// a margin, so that the two readers never disagree on where the limit is.
bool SubsetReader::IsLongKey(size_t key_start, size_t colon) const {
  constexpr size_t kLongKey = 1000;
  return colon - key_start >= kLongKey;
}

bool SubsetReader::ScanKey(Scalar* key, size_t* colon) {
  char c = text_[pos_];
  if (c == '[' || c == '{' || IsSequenceEntry(pos_)) return false;
  *key = ScanScalar(pos_, false);
  size_t p = key->end;
  while (Peek(p) == ' ') ++p;
  if (Peek(p) != ':' || !(Peek(p + 1) == ' ' || IsLineEnd(p + 1))) return false;
  if (IsLongKey(pos_, p)) Fail();
  *colon = p;
  return true;
}

void SubsetReader::ParseBlockMapping(int indent) {
  builder_.StartMap(MarkAt(pos_));
  for (;;) {
    Scalar key;
    size_t colon;
    if (!ScanKey(&key, &colon)) Fail();
    Emit(key);
    size_t after = colon + 1;
    pos_ = after;
    while (Peek(pos_) == ' ') ++pos_;
    if (IsLineEnd(pos_) || Peek(pos_) == '#') {
      pos_ = after;  // "key: # comment"
      EndLine();
      // The value is on the lines below: more indented, or a sequence at
      // the key's own indentation.
      if (NextContentLine() != Line::kContent) Fail();
      if (Indent() > indent) {
        ParseBlockNode(indent, false);
      } else if (Indent() == indent && IsSequenceEntry(pos_)) {
        ParseBlockSequence(indent, true);
      } else {
        Fail();  // an empty value
      }
    } else {
      ParseInlineValue(true);
    }
    if (NextContentLine() != Line::kContent || Indent() < indent) break;
    if (Indent() > indent) Fail();
  }
  builder_.End();
}

void SubsetReader::ParseBlockSequence(int indent, bool indentless) {
  builder_.StartSequence(MarkAt(pos_));
  for (;;) {
    size_t after = ++pos_;  // past the '-'
    while (Peek(pos_) == ' ') ++pos_;
    if (IsLineEnd(pos_) || Peek(pos_) == '#') {
      pos_ = after;  // "- # comment"
      EndLine();
      if (NextContentLine() != Line::kContent) Fail();
      ParseBlockNode(indent, false);  // fails on an empty item
    } else if (IsSequenceEntry(pos_)) {
      Fail();  // "- - a"
    } else {
      Scalar key;
      size_t colon;
      if (ScanKey(&key, &colon)) {
        ParseBlockMapping(Indent());  // "- key: value", more keys below it
      } else {
        ParseInlineValue(true);
      }
    }
    if (NextContentLine() != Line::kContent || Indent() < indent) break;
    if (Indent() > indent) Fail();
    if (!IsSequenceEntry(pos_)) {
      if (indentless) break;  // the next key of the mapping around it
      Fail();
    }
  }
  builder_.End();
}

void SubsetReader::ParseInlineValue(bool flow_allowed) {
  char c = text_[pos_];
  if (c == '[' || c == '{') {
    if (!flow_allowed) Fail();
    ParseFlow(false);
  } else {
    if (IsSequenceEntry(pos_)) Fail();  // "key: - a"
    Scalar s = ScanScalar(pos_, false);
    Emit(s);
    pos_ = s.end;
  }
  EndLine();
}

void SubsetReader::ParseFlow(bool multiline) {
  if (text_[pos_] == '{') return ParseFlowMapping(multiline);
  ParseFlowSequence(multiline);
}

void SubsetReader::SkipFlowSpace(bool multiline) {
  for (;;) {
    char c = Peek(pos_);
    if (c == ' ') {
      ++pos_;
    } else if (c == '\n' && multiline) {
      NewLine(pos_);
      ++pos_;
      // A document marker would end the document inside the collection.
      std::string_view head = text_.substr(pos_, 3);
      if (head == "---" || head == "...") Fail();
    } else if (c == '#' && multiline && pos_ > 0 &&
               (text_[pos_ - 1] == ' ' || text_[pos_ - 1] == '\n')) {
      while (!IsLineEnd(pos_)) ++pos_;
    } else {
      return;
    }
  }
}

void SubsetReader::ParseFlowSequence(bool multiline) {
  builder_.StartSequence(MarkAt(pos_));
  ++pos_;
  SkipFlowSpace(multiline);
  if (Peek(pos_) == ']') {
    ++pos_;
    return builder_.End();
  }
  for (;;) {
    char c = Peek(pos_);
    if (c == '[' || c == '{') {
      ParseFlow(multiline);
    } else {
      Scalar s = ScanScalar(pos_, true);
      Emit(s);
      pos_ = s.end;
    }
    SkipFlowSpace(multiline);
    c = Peek(pos_);
    ++pos_;
    if (c == ']') break;
    if (c != ',') Fail();  // "[a: b]" and the like
    SkipFlowSpace(multiline);
    if (Peek(pos_) == ']') Fail();  // a trailing comma
  }
  builder_.End();
}

void SubsetReader::ParseFlowMapping(bool multiline) {
  builder_.StartMap(MarkAt(pos_));
  ++pos_;
  SkipFlowSpace(multiline);
  if (Peek(pos_) == '}') {
    ++pos_;
    return builder_.End();
  }
  for (;;) {
    size_t key_start = pos_;
    Scalar key = ScanScalar(pos_, true);
    Emit(key);
    pos_ = key.end;
    while (Peek(pos_) == ' ') ++pos_;
    if (Peek(pos_) != ':') Fail();
    if (IsLongKey(key_start, pos_)) Fail();
    ++pos_;
    // After a plain key, ':' needs a space; "a":1 is JSON, and fine.
    if (key.kind != Kind::kString && Peek(pos_) != ' ') Fail();
    while (Peek(pos_) == ' ') ++pos_;
    char c = Peek(pos_);
    if (c == '[' || c == '{') {
      ParseFlow(multiline);
    } else {
      if (c == ',' || c == '}' || IsLineEnd(pos_)) Fail();  // an empty value
      Scalar s = ScanScalar(pos_, true);
      Emit(s);
      pos_ = s.end;
    }
    SkipFlowSpace(multiline);
    c = Peek(pos_);
    ++pos_;
    if (c == '}') break;
    if (c != ',') Fail();
    SkipFlowSpace(multiline);
    if (Peek(pos_) == '}') Fail();  // a trailing comma
  }
  builder_.End();
}

SubsetReader::Scalar SubsetReader::ScanScalar(size_t p, bool flow) {
  Scalar s;
  s.mark = MarkAt(p);
  char c = Peek(p);
  if (c == '"') {
    ScanDoubleQuoted(p, &s);
  } else if (c == '\'') {
    ScanSingleQuoted(p, &s);
  } else {
    ScanPlain(p, flow, &s);
  }
  return s;
}

void SubsetReader::ScanDoubleQuoted(size_t p, Scalar* s) {
  s->kind = Kind::kString;
  size_t begin = ++p;
  while (!IsLineEnd(p) && text_[p] != '"' && text_[p] != '\\') ++p;
  if (Peek(p) == '"') {  // no escapes: the text itself
    s->value = text_.substr(begin, p - begin);
    s->end = p + 1;
    return;
  }
  scratch_.assign(text_.substr(begin, p - begin));
  for (;;) {
    if (IsLineEnd(p)) Fail();  // a scalar over many lines
    char c = text_[p];
    if (c == '"') break;
    if (c != '\\') {
      scratch_ += c;
      ++p;
      continue;
    }
    char e = Peek(p + 1);
    p += 2;
    switch (e) {
      case '"': scratch_ += '"'; break;
      case '\\': scratch_ += '\\'; break;
      case '/': scratch_ += '/'; break;
      case 'n': scratch_ += '\n'; break;
      case 't': scratch_ += '\t'; break;
      case 'r': scratch_ += '\r'; break;
      case 'b': scratch_ += '\b'; break;
      case 'f': scratch_ += '\f'; break;
      case 'u': {
        unsigned code = 0;
        for (int k = 0; k < 4; ++k) {
          int h = HexValue(Peek(p + k));
          if (h < 0) Fail();
          code = code * 16 + static_cast<unsigned>(h);
        }
        if (code == 0 || (code >= 0xd800 && code <= 0xdfff)) Fail();
        AppendUtf8(code, &scratch_);
        p += 4;
        break;
      }
      default:
        Fail();  // escapes the parsers may read differently
    }
  }
  s->value = scratch_;
  s->end = p + 1;
}

void SubsetReader::ScanSingleQuoted(size_t p, Scalar* s) {
  s->kind = Kind::kString;
  size_t begin = ++p;
  bool escaped = false;
  for (;;) {
    if (IsLineEnd(p)) Fail();
    if (text_[p] == '\'') {
      if (Peek(p + 1) != '\'') break;
      escaped = true;
      p += 2;
    } else {
      ++p;
    }
  }
  s->end = p + 1;
  if (!escaped) {
    s->value = text_.substr(begin, p - begin);
    return;
  }
  scratch_.clear();
  for (size_t i = begin; i < p; ++i) {
    scratch_ += text_[i];
    if (text_[i] == '\'') ++i;  // '' is '
  }
  s->value = scratch_;
}

// A plain scalar ends at a line end, at " #", at ": " (or ':' at a line
// end), and in flow at ',', ']' and '}'. Inner single spaces are kept;
// trailing ones are not. Anything unusual gives up.
void SubsetReader::ScanPlain(size_t p, bool flow, Scalar* s) {
  size_t begin = p;
  char first = Peek(p);
  // ',' and '-' are indicators; "-x" is a scalar to both parsers.
  if (!IsPlainChar(first, flow) || first == ',' ||
      (first == '-' && !IsPlainChar(Peek(p + 1), flow))) {
    Fail();
  }
  size_t end = p;  // past the last character that is not a space
  for (;;) {
    char c = Peek(p);
    // Indicators that only count at a scalar's start; '?' ends one in flow
    // for yaml-cpp ("a@b", "x?y=1").
    bool inner = c == '@' || c == '%' || (c == '?' && !flow);
    if (IsPlainChar(c, flow) || inner) {
      end = ++p;
    } else if (c == ' ') {
      ++p;
    } else if (c == ':') {
      char next = Peek(p + 1);
      if (next == ' ' || IsLineEnd(p + 1)) break;  // a key's end
      // "a:b" is one scalar to both parsers; in flow only before a
      // character that cannot end it.
      if (!IsPlainChar(next, flow)) Fail();
      end = ++p;
    } else if (c == '#') {
      if (text_[p - 1] == ' ') break;  // a comment
      end = ++p;
    } else if (IsLineEnd(p) || (flow && (c == ',' || c == ']' || c == '}'))) {
      break;
    } else {
      Fail();
    }
  }
  std::string_view value = text_.substr(begin, end - begin);
  s->end = end;
  // yaml-cpp reports these as nulls without text.
  if (value == "~" || value == "null" || value == "Null" || value == "NULL") {
    s->kind = Kind::kNull;
  } else {
    s->kind = Kind::kPlain;
    s->value = value;
  }
}

}  // namespace

bool ReadYamlWithSubset(std::string_view text, const std::string& file, YamlDocumentSink* sink,
                        size_t* sent) {
  if (!IsPrintableAscii(text)) return false;
  SubsetReader reader(text, file, sink);
  bool ok = reader.Run();
  *sent = reader.sent();
  return ok;
}

}  // namespace sesame::specs
