#include "reconcilers/field_hash_set.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string_view>

#include "specs/spec_fields.h"

namespace sesame::reconcilers {

const std::vector<std::string>& FieldHashSet::SortedNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = specs::ResourceFieldNames();
    std::sort(out.begin(), out.end());
    if (out.size() > 64) throw std::logic_error("FieldHashSet holds at most 64 resource fields");
    return out;
  }();
  return names;
}

FieldHashSet::FieldHashSet(const std::map<std::string, std::string>& hashes) {
  const auto& names = SortedNames();
  auto values = std::make_shared<std::vector<uint64_t>>(names.size(), 0);
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = hashes.find(names[i]);
    if (it == hashes.end()) continue;
    uint64_t v = 0;
    const std::string& text = it->second;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
    // Fingerprint always writes 16 lower-case hex digits; anything else
    // would not survive the round trip, and is a programming error.
    if (error != std::errc() || end != text.data() + text.size() || !Entry{v, nullptr}.Matches(text)) {
      throw std::logic_error("field hash \"" + text + "\" of " + names[i] + " is not a fingerprint");
    }
    (*values)[i] = v;
    present_ |= uint64_t{1} << i;
  }
  values_ = std::move(values);
  if (auto warm = hashes.find(providers::kWarmHashKey); warm != hashes.end()) warm_ = warm->second;
}

size_t FieldHashSet::size() const { return static_cast<size_t>(__builtin_popcountll(present_)) + has_warm(); }

bool FieldHashSet::Entry::Matches(const std::string& reported) const {
  if (text != nullptr) return reported == *text;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return reported == std::string_view(buf, 16);
}

FieldHashSet FieldHashSet::WithWarm(std::optional<std::string> warm) const {
  FieldHashSet out = *this;
  out.warm_ = std::move(warm);
  return out;
}

}  // namespace sesame::reconcilers
