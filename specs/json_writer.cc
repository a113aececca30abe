#include "specs/json_writer.h"

#include <nlohmann/json.hpp>

#include "specs/object_json.h"

namespace sesame::specs {

void JsonWriter::String(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      // Escapes and invalid UTF-8 as CompactJson prints them.
      return Value(CompactJson(nlohmann::json(std::string(s))));
    }
  }
  Separate();
  out_ += '"';
  out_.append(s);
  out_ += '"';
  first_ = false;
}

}  // namespace sesame::specs
