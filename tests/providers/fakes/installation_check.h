#pragma once
// Orphan collection in an account shared by two installations: what one
// creates, the other's ListOwned does not list. The check both cloud
// provider tests run, each with two providers of its kind.

#include <gtest/gtest.h>

#include "providers/provider.h"

namespace sesame::fakes {

inline ::testing::AssertionResult ListsOnlyItsOwn(providers::Provider& mine, providers::Provider& theirs,
                                                  const providers::SandboxRequest& my_request,
                                                  const providers::SandboxRequest& their_request) {
  for (auto [p, r] : {std::pair{&mine, &my_request}, std::pair{&theirs, &their_request}}) {
    auto created = p->Create(*r);
    if (!created.ok()) return ::testing::AssertionFailure() << "create: " << created.status().ToString();
  }
  auto owned = mine.ListOwned();
  if (!owned.ok()) return ::testing::AssertionFailure() << "list: " << owned.status().ToString();
  if (owned->size() != 1 || (*owned)[0].uid != my_request.uid) {
    auto failure = ::testing::AssertionFailure() << "listed:";
    for (const auto& o : *owned) failure << " " << o.uid;
    return failure;
  }
  auto found = theirs.Observe(their_request.uid);  // each still finds its own by uid
  if (!found.ok() || !found->has_value()) return ::testing::AssertionFailure() << "the other's is lost";
  return ::testing::AssertionSuccess();
}

}  // namespace sesame::fakes
