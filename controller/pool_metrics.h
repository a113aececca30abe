#pragma once
// Pool metrics: sesame_pool_sandboxes{namespace,pool,state=warm|claimed|wanted}
// read from the pool reconciler's last figures at scrape time, and
// sesame_pool_claims_total{namespace,pool,result=claimed|fallback} counted as
// the pool reconciler first sees each claiming sandbox.

#include "controller/metrics.h"
#include "reconcilers/pool_reconciler.h"

namespace sesame::controller {

// `pools` must outlive `metrics`' rendering.
void RegisterPoolMetrics(Metrics& metrics, reconcilers::PoolReconciler& pools);

}  // namespace sesame::controller
