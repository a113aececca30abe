// Quantities, durations, names and label selectors: the small parsers of
// user text. The input's first byte picks the parser; what one accepts must
// print back to text it accepts again with the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "specs/quantity.h"
#include "store/selector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      if (auto q = sesame::specs::ParseQuantity(text); q.ok()) {
        auto again = sesame::specs::ParseQuantity(q->text);
        if (!again.ok() || !(*again == *q)) __builtin_trap();
      }
      break;
    case 1:
      if (auto d = sesame::specs::ParseDuration(text); d.ok()) {
        auto again = sesame::specs::ParseDuration(d->text);
        if (!again.ok() || !(*again == *d)) __builtin_trap();
      }
      break;
    case 2:
      (void)sesame::specs::CheckDns1123Label(text);
      break;
    case 3:
      if (auto s = sesame::store::Selector::Parse(text); s.ok()) {
        auto again = sesame::store::Selector::Parse(s->ToString());
        if (!again.ok() || again->ToString() != s->ToString()) __builtin_trap();
      }
      break;
  }
  return 0;
}
