#pragma once
// A small command-line parser in the kubectl manner: `--name value`,
// `--name=value`, `-n value`, boolean `--flag`, repeated flags, positional
// arguments, and `--` ending the flags.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::cli {

struct FlagSpec {
  std::string name;        // long name without dashes: "namespace"
  char short_name = 0;     // 'n', or 0
  bool takes_value = true;
  std::string help;
  std::string value_name = "VALUE";
};

class ParsedFlags {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Arguments after "--".
  const std::vector<std::string>& rest() const { return rest_; }

 private:
  friend Result<ParsedFlags> ParseFlags(const std::vector<FlagSpec>&, const std::vector<std::string>&);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  std::vector<std::string> rest_;
};

// Unknown flags and missing values are kInvalid errors naming the flag.
Result<ParsedFlags> ParseFlags(const std::vector<FlagSpec>& specs,
                               const std::vector<std::string>& args);

// The "Flags:" section of a command's --help.
std::string FlagsHelp(const std::vector<FlagSpec>& specs);

}  // namespace sesame::cli
