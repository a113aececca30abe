#pragma once
// The table columns of SandboxPools and SandboxQuotas (specs/columns.h),
// and a quota's used/hard pairs for `describe`.

#include <string>
#include <utility>
#include <vector>

#include "specs/columns.h"
#include "specs/object.h"

namespace sesame::specs {

// NAME WARM CLAIMED REPLICAS MAX AGE (wide: TEMPLATE, MESSAGE).
const std::vector<Column>& PoolColumns();
std::vector<std::string> PoolCells(const Object& pool, const std::string& age);
// NAME USED/HARD AGE.
const std::vector<Column>& QuotaColumns();
std::vector<std::string> QuotaCells(const Object& quota, const std::string& age);

// {"sandboxes", "3/20"}, {"memory", "2Gi/32Gi"}, ...: every amount the quota
// limits, in a fixed order.
std::vector<std::pair<std::string, std::string>> QuotaUsedHard(const Object& quota);

}  // namespace sesame::specs
