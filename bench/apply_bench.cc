// Applies 10,000 Sandbox documents from one multi-document file into an
// empty store, re-applies the same objects unchanged, and measures in the
// same run, alternated round by round, what SQLite itself needs to insert
// 10,000 JSON rows in one transaction (the floor).
// Usage: bench_apply [N] [DIR] [ROUNDS]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

// One round of the store part: a fresh store, the apply of `objects`, then
// the same objects again (which must change nothing).
struct StoreRound {
  double apply_ms = 0;
  double reapply_ms = 0;
  bool unchanged_ok = false;
};

StoreRound RunStore(const std::string& dir, const std::vector<sesame::specs::Object>& objects) {
  StoreRound r;
  auto store = sesame::store::Store::Open(dir + "/state.db");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  auto start = Clock::now();
  auto first = (*store)->Apply(objects, {});
  r.apply_ms = MillisSince(start);
  if (!first.ok()) {
    std::fprintf(stderr, "%s\n", first.status().ToString().c_str());
    std::exit(1);
  }
  int64_t version_after_first = *(*store)->CurrentResourceVersion();
  start = Clock::now();
  auto second = (*store)->Apply(objects, {});
  r.reapply_ms = MillisSince(start);
  if (!second.ok()) {
    std::fprintf(stderr, "%s\n", second.status().ToString().c_str());
    std::exit(1);
  }
  size_t unchanged = 0;
  for (const auto& o : *second) unchanged += o.action == sesame::store::ApplyAction::kUnchanged;
  r.unchanged_ok = unchanged == objects.size() &&
                   *(*store)->CurrentResourceVersion() == version_after_first;
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

// Usage: bench_apply [N] [DIR] [ROUNDS]. Each round applies into a fresh
// store and inserts into a fresh floor database, the order alternating
// between rounds, so that both see the same machine load.
int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string dir = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "sesame-bench").string();
  int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
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
  std::vector<std::string> rows;
  for (const auto& o : parsed.objects) rows.push_back(o.spec);

  std::printf("documents:                 %d (%.1f MiB)\n", n,
              static_cast<double>(std::filesystem::file_size(file)) / (1 << 20));
  std::printf("parse + validate:          %8.1f ms\n", parse_ms);
  std::vector<double> applies, reapplies, floors, ratios;
  bool all_unchanged = true;
  for (int round = 0; round < rounds; ++round) {
    std::string round_dir = dir + "/round-" + std::to_string(round);
    std::filesystem::create_directories(round_dir);
    StoreRound store;
    double floor_ms = 0;
    if (round % 2 == 0) {
      store = RunStore(round_dir, parsed.objects);
      floor_ms = RawInsertMillis(round_dir + "/floor.db", rows);
    } else {
      floor_ms = RawInsertMillis(round_dir + "/floor.db", rows);
      store = RunStore(round_dir, parsed.objects);
    }
    std::filesystem::remove_all(round_dir);
    all_unchanged &= store.unchanged_ok;
    applies.push_back(store.apply_ms);
    reapplies.push_back(store.reapply_ms);
    floors.push_back(floor_ms);
    ratios.push_back(store.apply_ms / floor_ms);
    std::printf("round %d: store apply (empty store) %7.1f ms, floor %6.1f ms (%.2fx); "
                "re-apply unchanged %6.1f ms (%s)\n",
                round + 1, store.apply_ms, floor_ms, store.apply_ms / floor_ms, store.reapply_ms,
                store.unchanged_ok ? "nothing written" : "WROTE");
  }
  std::printf("median store apply (empty store): %7.1f ms\n", Median(applies));
  std::printf("median floor (raw SQLite insert): %7.1f ms\n", Median(floors));
  std::printf("median ratio store / floor:       %7.2fx (range %.2f-%.2fx)\n", Median(ratios),
              *std::min_element(ratios.begin(), ratios.end()),
              *std::max_element(ratios.begin(), ratios.end()));
  std::printf("median store re-apply unchanged:  %7.1f ms\n", Median(reapplies));
  std::filesystem::remove_all(dir);
  return all_unchanged ? 0 : 1;
}
