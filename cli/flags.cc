#include "cli/flags.h"

#include <algorithm>

namespace sesame::cli {

std::string ParsedFlags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> ParsedFlags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

namespace {

const FlagSpec* FindLong(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const FlagSpec* FindShort(const std::vector<FlagSpec>& specs, char c) {
  for (const auto& s : specs) {
    if (s.short_name == c) return &s;
  }
  return nullptr;
}

}  // namespace

Result<ParsedFlags> ParseFlags(const std::vector<FlagSpec>& specs,
                               const std::vector<std::string>& args) {
  ParsedFlags out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out.rest_.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") {
      out.positional_.push_back(arg);
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    std::string shown = arg;
    if (arg[1] == '-') {
      std::string name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
        shown = "--" + name;
      }
      spec = FindLong(specs, name);
    } else {
      spec = FindShort(specs, arg[1]);
      shown = arg.substr(0, 2);
      // Boolean short flags together, as in `exec -it`.
      if (spec != nullptr && !spec->takes_value && arg.size() > 2 && arg[2] != '=') {
        std::vector<std::string> together;
        for (size_t k = 1; k < arg.size(); ++k) {
          const FlagSpec* one = FindShort(specs, arg[k]);
          if (one == nullptr || one->takes_value) {
            return InvalidError(one == nullptr ? "unknown flag: -" + std::string(1, arg[k])
                                               : "flag -" + std::string(1, arg[k]) + " needs a value of its own");
          }
          together.push_back(one->name);
        }
        for (const auto& name : together) out.values_[name].push_back("true");
        continue;
      }
      if (arg.size() > 2) inline_value = arg.substr(arg[2] == '=' ? 3 : 2);
    }
    if (spec == nullptr) return InvalidError("unknown flag: " + shown);
    if (!spec->takes_value) {
      if (inline_value && *inline_value != "true" && *inline_value != "false") {
        return InvalidError("flag " + shown + " takes no value");
      }
      out.values_[spec->name].push_back(inline_value.value_or("true"));
      if (inline_value == "false") out.values_.erase(spec->name);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return InvalidError("flag " + shown + " needs a value");
      inline_value = args[++i];
    }
    out.values_[spec->name].push_back(*inline_value);
  }
  return out;
}

std::string FlagsHelp(const std::vector<FlagSpec>& specs) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& s : specs) {
    std::string left = s.short_name ? std::string("  -") + s.short_name + ", --" : "      --";
    left += s.name;
    if (s.takes_value) left += " " + s.value_name;
    width = std::max(width, left.size());
    rows.emplace_back(left, s.help);
  }
  std::string out = "Flags:\n";
  for (const auto& [left, help] : rows) {
    out += left + std::string(width - left.size() + 3, ' ') + help + "\n";
  }
  return out;
}

}  // namespace sesame::cli
