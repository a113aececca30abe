#pragma once
// The desired field fingerprints of a sandbox (providers::FieldHashes, plus
// the warm marker of a pool's sandbox) kept compact: one 64-bit integer per
// resource field in a flat array shared by every sandbox with the same
// spec, instead of a map of 16-hex-digit strings (two heap allocations per
// field). Compares with what a provider reports (strings) exactly as the
// map did.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "providers/warm.h"

namespace sesame::reconcilers {

class FieldHashSet {
 public:
  FieldHashSet() = default;
  // From FieldHashes (and WithWarmMarker): fields outside
  // specs::ResourceFieldNames() other than the warm marker are dropped.
  // Implicit: a map converts where a set is expected.
  FieldHashSet(const std::map<std::string, std::string>& hashes);  // NOLINT(runtime/explicit)

  // The same fields with `warm` as the warm marker's value (empty: none);
  // shares the fields.
  FieldHashSet WithWarm(std::optional<std::string> warm) const;

  // One field's desired value.
  struct Entry {
    uint64_t hash = 0;
    const std::string* text = nullptr;  // the warm marker's value (not a fingerprint)
    // Whether a provider's reported value (16 hex digits, or the warm
    // marker's text) is this one; allocates nothing.
    bool Matches(const std::string& reported) const;
  };

  // Calls f(name, entry) for each field and the warm marker, in name
  // order, as iterating the map did.
  template <typename F>
  void ForEach(F&& f) const {
    const auto& names = SortedNames();
    bool warm_done = !warm_;
    for (size_t i = 0; values_ && i < names.size(); ++i) {
      if (!warm_done && names[i] > kWarm) {
        f(std::string(kWarm), Entry{0, &*warm_});
        warm_done = true;
      }
      if (present_ >> i & 1) f(names[i], Entry{(*values_)[i], nullptr});
    }
    if (!warm_done) f(std::string(kWarm), Entry{0, &*warm_});
  }
  bool has_warm() const { return warm_.has_value(); }
  size_t size() const;

  // specs::ResourceFieldNames() sorted (at most 64).
  static const std::vector<std::string>& SortedNames();

 private:
  static constexpr const char* kWarm = providers::kWarmHashKey;
  std::shared_ptr<const std::vector<uint64_t>> values_;  // by SortedNames() index
  uint64_t present_ = 0;                                 // bit i: names[i] has a value
  std::optional<std::string> warm_;
};

}  // namespace sesame::reconcilers
