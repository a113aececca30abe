// Applies 10,000 Sandbox documents from one multi-document file into an
// empty store, re-applies the same file unchanged, and measures in the same
// run what SQLite itself needs to insert 10,000 JSON rows in one
// transaction (the floor). Usage: bench_apply [N] [DIR]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "specs/manifest.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Document(int i) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: sandbox-" +
         std::to_string(i) +
         "\n  namespace: bench\n  labels: {app: bench, shard: \"" + std::to_string(i % 16) +
         "\"}\nspec:\n  provider: filesystem\n  command: [\"sleep\", \"3600\"]\n"
         "  env:\n    - {name: INDEX, value: \"" + std::to_string(i) + "\"}\n"
         "  resources: {cpu: 500m, memory: 256Mi, pids: 128}\n  lifetime: {ttl: 2h}\n---\n";
}

// The floor: one transaction of plain INSERTs of the stored JSON, with the
// store's own pragmas, into a fresh database.
double RawInsertMillis(const std::string& path, const std::vector<std::string>& rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "CREATE TABLE t(ns TEXT, name TEXT, body TEXT, PRIMARY KEY(ns, name))", nullptr,
               nullptr, nullptr);
  auto start = Clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?,?,?)", -1, &stmt, nullptr);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string name = "sandbox-" + std::to_string(i);
    sqlite3_bind_text(stmt, 1, "bench", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, rows[i].c_str(), -1, SQLITE_STATIC);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  double ms = MillisSince(start);
  sqlite3_close(db);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string dir = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "sesame-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string file = dir + "/sandboxes.yaml";
  {
    std::ofstream out(file);
    for (int i = 0; i < n; ++i) out << Document(i);
  }

  auto start = Clock::now();
  auto parsed = sesame::specs::LoadManifests({file}, false);
  double parse_ms = MillisSince(start);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s", parsed.ErrorText().c_str());
    return 1;
  }
  auto store = sesame::store::Store::Open(dir + "/state.db");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;

  start = Clock::now();
  auto first = (*store)->Apply(parsed.objects, {});
  double apply_ms = MillisSince(start);
  if (!first.ok()) return std::fprintf(stderr, "%s\n", first.status().ToString().c_str()), 1;
  int64_t version_after_first = *(*store)->CurrentResourceVersion();

  start = Clock::now();
  auto reparsed = sesame::specs::LoadManifests({file}, false);
  double reparse_ms = MillisSince(start);
  start = Clock::now();
  auto second = (*store)->Apply(reparsed.objects, {});
  double reapply_ms = MillisSince(start);
  if (!second.ok()) return std::fprintf(stderr, "%s\n", second.status().ToString().c_str()), 1;
  size_t unchanged = 0;
  for (const auto& o : *second) unchanged += o.action == sesame::store::ApplyAction::kUnchanged;
  bool wrote_nothing = *(*store)->CurrentResourceVersion() == version_after_first;

  std::vector<std::string> rows;
  for (const auto& o : parsed.objects) rows.push_back(o.spec);
  double floor_ms = RawInsertMillis(dir + "/floor.db", rows);

  std::printf("documents:                 %d (%.1f MiB)\n", n,
              static_cast<double>(std::filesystem::file_size(file)) / (1 << 20));
  std::printf("parse + validate:          %8.1f ms\n", parse_ms);
  std::printf("store apply (empty store): %8.1f ms  (%.2fx the floor)\n", apply_ms, apply_ms / floor_ms);
  std::printf("apply total (parse+store): %8.1f ms\n", parse_ms + apply_ms);
  std::printf("re-parse + validate:       %8.1f ms\n", reparse_ms);
  std::printf("store re-apply unchanged:  %8.1f ms  (%zu/%d unchanged, %s)\n", reapply_ms, unchanged, n,
              wrote_nothing ? "nothing written" : "WROTE");
  std::printf("re-apply total:            %8.1f ms\n", reparse_ms + reapply_ms);
  std::printf("floor (raw SQLite insert): %8.1f ms\n", floor_ms);
  std::filesystem::remove_all(dir);
  return unchanged == static_cast<size_t>(n) && wrote_nothing ? 0 : 1;
}
