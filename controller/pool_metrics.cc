#include "controller/pool_metrics.h"

namespace sesame::controller {

void RegisterPoolMetrics(Metrics& metrics, reconcilers::PoolReconciler& pools) {
  Counter& claims = metrics.AddCounter(
      "sesame_pool_claims_total",
      "Sandboxes created with poolRef, by whether they took a warm sandbox (claimed) or were created cold "
      "(fallback).",
      {"namespace", "pool", "result"});
  pools.OnClaim([&claims](const std::string& ns, const std::string& pool, const std::string& result) {
    claims.Add({ns, pool, result});
  });
  metrics.AddGauge("sesame_pool_sandboxes",
                   "Sandboxes of each pool: warm (ready to claim), claimed (still existing) and wanted "
                   "(spec.replicas).",
                   {"namespace", "pool", "state"}, [&pools] {
                     std::vector<std::pair<LabelValues, double>> out;
                     for (const auto& f : pools.Figures()) {
                       out.push_back({{f.namespace_, f.name, "warm"}, static_cast<double>(f.warm)});
                       out.push_back({{f.namespace_, f.name, "claimed"}, static_cast<double>(f.claimed)});
                       out.push_back({{f.namespace_, f.name, "wanted"}, static_cast<double>(f.replicas)});
                     }
                     return out;
                   });
}

}  // namespace sesame::controller
