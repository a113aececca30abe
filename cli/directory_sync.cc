#include "cli/directory_sync.h"

#include <algorithm>
#include <filesystem>

#include "controller/sync_status.h"
#include "specs/manifest.h"

namespace sesame::cli {

namespace fs = std::filesystem;

namespace {

bool IsManifest(const fs::directory_entry& e) {
  std::error_code ec;
  auto ext = e.path().extension().string();
  return e.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json");
}

}  // namespace

DirectorySync::DirectorySync(store::Store& store, DirectorySyncOptions options,
                             std::function<void(const std::string&)> report, std::function<void()> on_applied)
    : store_(store),
      options_([&] {
        if (options.applyset.empty()) options.applyset = ApplysetFor(options.dir);
        return std::move(options);
      }()),
      report_(std::move(report)),
      sync_(store, {options_.applyset, true, options_.self_heal}, report_, std::move(on_applied)) {}

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

int DirectorySync::ManifestsOnlyBelow(const std::string& dir) {
  std::error_code ec;
  int top = 0, below = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) top += IsManifest(*it);
  if (top > 0) return 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    below += IsManifest(*it);
  }
  return below;
}

// Names, sizes and modification times of the manifest files: cheap to
// compute every few hundred milliseconds, and any edit changes it.
std::string DirectorySync::Fingerprint() const {
  std::vector<std::string> entries;
  std::error_code ec;
  auto add = [&](const fs::directory_entry& e) {
    if (!IsManifest(e)) return;
    auto mtime = e.last_write_time(ec).time_since_epoch().count();
    entries.push_back(e.path().string() + ":" + std::to_string(e.file_size(ec)) + ":" + std::to_string(mtime));
  };
  if (options_.recursive) {
    for (fs::recursive_directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  } else {
    for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += e + "\n";
  return out;
}

void DirectorySync::Record() {
  std::error_code ec;
  std::string path = fs::absolute(options_.dir, ec).lexically_normal().string();
  (void)controller::SaveDirectorySync(store_, options_.applyset, path, options_.recursive, status_);
}

void DirectorySync::Poll() {
  auto now = std::chrono::steady_clock::now();
  std::string fingerprint = Fingerprint();
  if (fingerprint != last_fingerprint_) {
    last_fingerprint_ = fingerprint;
    if (auto rv = store_.CurrentResourceVersion(); rv.ok()) seen_version_ = *rv;
    status_.last_sync_time = Clock::Real().Now();
    auto parsed = specs::LoadManifests({options_.dir}, options_.recursive);
    if (!parsed.ok()) {
      report_(parsed.ErrorText() + "error: nothing applied until the manifests are fixed");
      status_.phase = specs::kSyncFailed;
      status_.message = parsed.ErrorText();
      status_.failures++;
      Record();
      return;
    }
    Status applied = sync_.ApplySource(std::move(parsed.objects), &status_);
    if (!applied.ok()) {
      report_("error: " + applied.message());
      status_.phase = specs::kSyncFailed;
      status_.message = applied.message();
      status_.failures++;
      last_fingerprint_.clear();  // try again on the next call
    } else {
      status_.failures = 0;
      status_.revision = "";
    }
    status_.health = sync_.Health();
    Record();
    next_check_ = now + options_.interval;
    return;
  }
  if (!sync_.has_source()) return;
  bool drift = now >= next_check_, health = false;
  auto changes = store_.ChangesSince(seen_version_, 1000);
  if (changes.ok()) {
    for (const auto& c : *changes) {
      seen_version_ = c.resource_version;
      drift = drift || sync_.Concerns(c);
      health = health || sync_.ConcernsHealth(c);
    }
  } else if (auto rv = store_.CurrentResourceVersion(); rv.ok()) {
    seen_version_ = *rv;
    drift = true;
  }
  if (drift) {
    status_.last_sync_time = Clock::Real().Now();
    // `status_` is the status being updated: recorded as OutOfSync before healing.
    Status checked = sync_.CheckDrift(&status_, [this](const specs::GitSyncStatus&) { Record(); });
    if (!checked.ok()) {
      status_.phase = specs::kSyncFailed;
      status_.message = checked.message();
    }
    next_check_ = now + options_.interval;
  }
  if (drift || health) {
    status_.health = sync_.Health();
    Record();
  }
}

}  // namespace sesame::cli
