#include "providers/http/cloud_support.h"

#include <sstream>

namespace sesame::providers::http {

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_-./=:,@%+") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

std::string SessionScript(const std::vector<std::string>& command, bool force) {
  std::string dir = kSessionDir;
  std::string guard = force ? "true" : "[ ! -e " + dir + "/started ]";
  return "mkdir -p " + dir + "; if " + guard + "; then date +%s > " + dir +
         "/started; rm -f " + kSessionExitCode + "; ( " + ShellJoin(command) + " ) >> " +
         kSessionLog + " 2>&1 < /dev/null; echo $? > " + kSessionExitCode + "; fi";
}

std::string EncodeHashes(const std::map<std::string, std::string>& hashes) {
  std::string out;
  for (const auto& [k, v] : hashes) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

std::map<std::string, std::string> DecodeHashes(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    auto eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string EncodePorts(const std::vector<int>& ports) {
  std::string out;
  for (int p : ports) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

std::vector<int> DecodePorts(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      out.push_back(std::stoi(item));
    } catch (...) {
    }
  }
  return out;
}

std::optional<long> LifetimeSeconds(const specs::SandboxSpec& spec, Time now) {
  std::optional<Time> end = spec.lifetime.expires_at;
  if (spec.lifetime.ttl) {
    Time by_ttl = now + spec.lifetime.ttl->value;
    end = end ? std::min(*end, by_ttl) : by_ttl;
  }
  if (!end) return std::nullopt;
  long s = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(*end - now).count());
  return std::max(1L, s);
}

long CeilCores(const specs::Quantity& q) { return std::max<long>(1, (q.milli + 999) / 1000); }

long CeilGiB(const specs::Quantity& q) {
  const int64_t kGiBMilli = int64_t{1} << 30;  // milli-units of 1 GiB / 1000
  int64_t bytes_milli = q.milli;
  return std::max<long>(1, static_cast<long>((bytes_milli / 1000 + kGiBMilli - 1) / kGiBMilli));
}

std::string Describe(const Observed& o) {
  return o.id + " (" + ToString(o.state) + ")";
}

std::vector<std::string> SecretValues(const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> values;
  for (const auto& [name, value] : env) values.push_back(value);
  return values;
}

size_t TailStart(std::string_view text, size_t lines) {
  if (lines == 0) return text.size();
  size_t seen = 0, pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  while (pos > 0 && !(text[pos - 1] == '\n' && ++seen == lines)) --pos;
  return pos;
}

bool FieldChanged(const std::map<std::string, std::string>& want,
                  const std::map<std::string, std::string>& have, const std::string& field) {
  auto w = want.find(field);
  auto h = have.find(field);
  return w == want.end() || h == have.end() || w->second != h->second;
}

void RecentlyAbsent::Note(const std::string& uid) {
  MutexLock lock(mu_);
  noted_[uid] = std::chrono::steady_clock::now();
}

bool RecentlyAbsent::Take(const std::string& uid) {
  constexpr auto kFresh = std::chrono::seconds(2);
  MutexLock lock(mu_);
  auto it = noted_.find(uid);
  bool fresh = it != noted_.end() && std::chrono::steady_clock::now() - it->second < kFresh;
  if (it != noted_.end()) noted_.erase(it);
  return fresh;
}

}  // namespace sesame::providers::http
