#include "cli/directory_sync.h"

#include <algorithm>
#include <filesystem>

#include "specs/manifest.h"

namespace sesame::cli {

namespace fs = std::filesystem;

DirectorySync::DirectorySync(store::Store& store, std::string dir, bool recursive,
                             std::string applyset, std::function<void(const std::string&)> report)
    : store_(store),
      dir_(std::move(dir)),
      recursive_(recursive),
      applyset_(std::move(applyset)),
      report_(std::move(report)) {}

std::string DirectorySync::ApplysetFor(const std::string& dir) {
  std::error_code ec;
  std::string base = fs::absolute(dir, ec).lexically_normal().filename().string();
  if (base.empty()) base = fs::absolute(dir, ec).lexically_normal().parent_path().filename().string();
  std::string out = "up-";
  for (char c : base) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(l)) ? l : '-');
  }
  while (out.size() > 1 && out.back() == '-') out.pop_back();
  return out.substr(0, 63);
}

// Names, sizes and modification times of the manifest files: cheap to
// compute every few hundred milliseconds, and any edit changes it.
std::string DirectorySync::Fingerprint() const {
  std::vector<std::string> entries;
  std::error_code ec;
  auto add = [&](const fs::directory_entry& e) {
    auto ext = e.path().extension().string();
    if (!e.is_regular_file(ec) || (ext != ".yaml" && ext != ".yml" && ext != ".json")) return;
    auto mtime = e.last_write_time(ec).time_since_epoch().count();
    entries.push_back(e.path().string() + ":" + std::to_string(e.file_size(ec)) + ":" +
                      std::to_string(mtime));
  };
  if (recursive_) {
    for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  } else {
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += e + "\n";
  return out;
}

bool DirectorySync::SyncIfChanged() {
  std::string fingerprint = Fingerprint();
  if (fingerprint == last_fingerprint_) return false;
  last_fingerprint_ = fingerprint;
  auto parsed = specs::LoadManifests({dir_}, recursive_);
  if (!parsed.ok()) {
    report_(parsed.ErrorText() + "error: nothing applied until the manifests are fixed");
    return false;
  }
  store::ApplyOptions options;
  options.prune = true;
  options.applyset = applyset_;
  auto outcomes = store_.Apply(parsed.objects, options);
  if (!outcomes.ok()) {
    report_("error: apply failed: " + outcomes.status().message());
    // Try again on the next call.
    last_fingerprint_.clear();
    return false;
  }
  bool wrote = false;
  for (const auto& o : *outcomes) {
    if (o.action == store::ApplyAction::kUnchanged) continue;
    wrote = true;
    report_(specs::ResourceName(o.key.kind) + "/" + o.key.name + " " + store::ToString(o.action));
  }
  return wrote;
}

}  // namespace sesame::cli
