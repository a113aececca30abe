#include "cli/pool_printer.h"

#include "cli/printer.h"
#include "specs/pool.h"
#include "specs/pool_columns.h"

namespace sesame::cli {

namespace {

std::string IndentedTable(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) out += "  " + FormatRow(row, ColumnWidths(rows));
  return out;
}

}  // namespace

void DescribePoolStatus(std::ostream& out, const specs::Object& object) {
  if (object.kind == specs::kKindSandboxQuota) {
    std::vector<std::vector<std::string>> rows = {{"RESOURCE", "USED/HARD"}};
    for (const auto& [name, cell] : specs::QuotaUsedHard(object)) rows.push_back({name, cell});
    out << "Used/Hard:\n" << IndentedTable(rows);
    return;
  }
  auto status = specs::DecodePoolStatus(object.status);
  specs::SandboxPoolStatus s = status.ok() ? *status : specs::SandboxPoolStatus{};
  out << "Status:\n  Warm:        " << s.warm << "\n  Claimed:     " << s.claimed << "\n";
  out << "  Observed:    generation " << s.observed_generation << "\nConditions:\n";
  std::vector<std::vector<std::string>> rows = {{"TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"}};
  for (const auto& c : s.conditions) {
    rows.push_back({c.type, c.status, c.reason,
                    c.last_transition_time ? FormatTime(*c.last_transition_time) : "<none>", c.message});
  }
  out << IndentedTable(rows);
}

}  // namespace sesame::cli
