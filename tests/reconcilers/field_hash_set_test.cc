// FieldHashSet says of each field what the map of FieldHashes said: the
// same names, in the same order, matching exactly the same reported values.
#include "reconcilers/field_hash_set.h"

#include <gtest/gtest.h>

#include "common/fingerprint.h"
#include "providers/provider.h"
#include "specs/codec.h"

namespace sesame::reconcilers {
namespace {

std::map<std::string, std::string> Collect(const FieldHashSet& set,
                                           const std::map<std::string, std::string>& reported) {
  std::map<std::string, std::string> out;  // name -> "match" / "differs"
  set.ForEach([&](const std::string& name, const FieldHashSet::Entry& e) {
    auto it = reported.find(name);
    out[name] = it != reported.end() && e.Matches(it->second) ? "match" : "differs";
  });
  return out;
}

TEST(FieldHashSetTest, MatchesWhatTheMapMatched) {
  auto spec = specs::DecodeSandboxSpec(R"({"provider":"filesystem","command":["sleep","1"],"image":"x"})");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto hashes = providers::FieldHashes(*spec);
  FieldHashSet set(hashes);
  EXPECT_EQ(set.size(), hashes.size());
  EXPECT_FALSE(set.has_warm());

  std::vector<std::string> names;
  set.ForEach([&](const std::string& name, const FieldHashSet::Entry&) { names.push_back(name); });
  std::vector<std::string> map_names;
  for (const auto& [name, hash] : hashes) map_names.push_back(name);
  EXPECT_EQ(names, map_names);  // same fields, same (sorted) order

  for (const auto& [name, state] : Collect(set, hashes)) EXPECT_EQ(state, "match") << name;

  auto other = hashes;
  other["image"] = Fingerprint("\"y\"");
  other.erase("command");
  auto states = Collect(set, other);
  EXPECT_EQ(states["image"], "differs");
  EXPECT_EQ(states["command"], "differs");
  EXPECT_EQ(states["env"], "match");
  // Upper-case hex is a different text, as it was for the map.
  auto upper = hashes;
  for (char& c : upper["image"]) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper["image"] != hashes["image"]) EXPECT_EQ(Collect(set, upper)["image"], "differs");
}

TEST(FieldHashSetTest, TheWarmMarkerIsAFieldInItsPlace) {
  auto hashes = providers::FieldHashes(specs::SandboxSpec{});
  auto with_warm = hashes;
  with_warm[providers::kWarmHashKey] = "my-pool";
  FieldHashSet set(with_warm);
  EXPECT_TRUE(set.has_warm());
  EXPECT_EQ(set.size(), with_warm.size());
  std::vector<std::string> names, map_names;
  set.ForEach([&](const std::string& name, const FieldHashSet::Entry&) { names.push_back(name); });
  for (const auto& [name, hash] : with_warm) map_names.push_back(name);
  EXPECT_EQ(names, map_names);
  EXPECT_EQ(Collect(set, with_warm)["warm"], "match");
  auto other_pool = with_warm;
  other_pool["warm"] = "other";
  EXPECT_EQ(Collect(set, other_pool)["warm"], "differs");

  // WithWarm shares the fields and sets or drops the marker.
  FieldHashSet plain(hashes);
  EXPECT_EQ(Collect(plain.WithWarm("my-pool"), with_warm), Collect(set, with_warm));
  EXPECT_FALSE(set.WithWarm(std::nullopt).has_warm());
  EXPECT_EQ(set.WithWarm(std::nullopt).size(), hashes.size());
}

}  // namespace
}  // namespace sesame::reconcilers
