#include "store/selector.h"

#include <algorithm>
#include <cctype>

namespace sesame::store {
namespace {

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/';
}

bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// A recursive-descent parser over the selector text; positions in errors
// are 1-based columns, as a user counts them.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Status Parse(std::vector<Selector::Requirement>& out) {
    SkipSpace();
    if (AtEnd()) return Status::Ok();  // an empty selector matches everything
    for (;;) {
      Selector::Requirement r;
      SESAME_RETURN_IF_ERROR(ParseRequirement(r));
      out.push_back(std::move(r));
      SkipSpace();
      if (AtEnd()) return Status::Ok();
      if (!Consume(',')) return Error("expected \",\" or the end of the selector");
      SkipSpace();
    }
  }

 private:
  Status ParseRequirement(Selector::Requirement& r) {
    if (Consume('!')) {
      SkipSpace();
      SESAME_RETURN_IF_ERROR(ParseKey(r.key));
      r.op = Selector::Op::kNotExists;
      return Status::Ok();
    }
    SESAME_RETURN_IF_ERROR(ParseKey(r.key));
    SkipSpace();
    if (AtEnd() || Peek() == ',') {
      r.op = Selector::Op::kExists;
      return Status::Ok();
    }
    if (Consume('!')) {
      if (!Consume('=')) return Error("expected \"=\" after \"!\"");
      r.op = Selector::Op::kNotEquals;
      return ParseSingleValue(r);
    }
    if (Consume('=')) {
      Consume('=');  // "==" is the same as "="
      r.op = Selector::Op::kEquals;
      return ParseSingleValue(r);
    }
    return ParseSetOperator(r);
  }

  Status ParseSetOperator(Selector::Requirement& r) {
    size_t start = pos_;
    while (!AtEnd() && std::isalpha(static_cast<unsigned char>(Peek()))) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "in") {
      r.op = Selector::Op::kIn;
    } else if (word == "notin") {
      r.op = Selector::Op::kNotIn;
    } else {
      pos_ = start;
      return Error("expected an operator (=, ==, !=, in, notin), \",\" or the end");
    }
    SkipSpace();
    if (!Consume('(')) return Error("expected \"(\"");
    return ParseValueList(r);
  }

  Status ParseValueList(Selector::Requirement& r) {
    for (;;) {
      SkipSpace();
      std::string value;
      SESAME_RETURN_IF_ERROR(ParseValue(value));
      r.values.push_back(std::move(value));
      SkipSpace();
      if (Consume(')')) break;
      if (!Consume(',')) return Error("expected \",\" or \")\"");
    }
    if (r.values.size() == 1 && r.values[0].empty()) {
      return Error("expected at least one value in the parentheses", pos_ - 1);
    }
    return Status::Ok();
  }

  Status ParseSingleValue(Selector::Requirement& r) {
    SkipSpace();
    std::string value;
    SESAME_RETURN_IF_ERROR(ParseValue(value));
    r.values.push_back(std::move(value));
    return Status::Ok();
  }

  Status ParseKey(std::string& key) {
    size_t start = pos_;
    while (!AtEnd() && IsKeyChar(Peek())) ++pos_;
    if (pos_ == start) return Error("expected a label key");
    key = std::string(text_.substr(start, pos_ - start));
    std::string_view name = key;
    if (size_t slash = key.rfind('/'); slash != std::string::npos) {
      if (slash == 0 || key.find('/') != slash) return Error("invalid label key", start);
      name = name.substr(slash + 1);
    }
    if (!ValidName(name)) {
      return Error("invalid label key \"" + key +
                       "\": at most 63 characters, starting and ending with a letter or digit",
                   start);
    }
    return Status::Ok();
  }

  // Values may be empty (`a=` selects an empty label value).
  Status ParseValue(std::string& value) {
    size_t start = pos_;
    while (!AtEnd() && IsValueChar(Peek())) ++pos_;
    value = std::string(text_.substr(start, pos_ - start));
    if (!value.empty() && !ValidName(value)) {
      return Error("invalid label value \"" + value +
                       "\": at most 63 characters, starting and ending with a letter or digit",
                   start);
    }
    return Status::Ok();
  }

  static bool ValidName(std::string_view s) {
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    return !s.empty() && s.size() <= 63 && alnum(s.front()) && alnum(s.back());
  }

  Status Error(const std::string& what) const { return Error(what, pos_); }
  Status Error(const std::string& what, size_t at) const {
    return InvalidError("-l: at column " + std::to_string(at + 1) + ": " + what);
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || Peek() != c) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool RequirementMatches(const Selector::Requirement& r, const specs::StringMap& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  switch (r.op) {
    case Selector::Op::kEquals: return has && it->second == r.values[0];
    case Selector::Op::kIn: return has && Contains(r.values, it->second);
    // Kubernetes semantics: an object without the key matches != and notin.
    case Selector::Op::kNotEquals: return !has || it->second != r.values[0];
    case Selector::Op::kNotIn: return !has || !Contains(r.values, it->second);
    case Selector::Op::kExists: return has;
    case Selector::Op::kNotExists: return !has;
  }
  return false;
}

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');  // also between empty values: "in (,)"
    out += values[i];
  }
  return out;
}

}  // namespace

Result<Selector> Selector::Parse(std::string_view text) {
  Selector selector;
  SESAME_RETURN_IF_ERROR(Parser(text).Parse(selector.requirements_));
  return selector;
}

bool Selector::Matches(const specs::StringMap& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const Requirement& r) { return RequirementMatches(r, labels); });
}

std::string Selector::ToString() const {
  std::string out;
  for (const Requirement& r : requirements_) {
    if (!out.empty()) out.push_back(',');
    switch (r.op) {
      case Op::kEquals: out += r.key + "=" + r.values[0]; break;
      case Op::kNotEquals: out += r.key + "!=" + r.values[0]; break;
      case Op::kIn: out += r.key + " in (" + JoinValues(r.values) + ")"; break;
      case Op::kNotIn: out += r.key + " notin (" + JoinValues(r.values) + ")"; break;
      case Op::kExists: out += r.key; break;
      case Op::kNotExists: out += "!" + r.key; break;
    }
  }
  return out;
}

}  // namespace sesame::store
