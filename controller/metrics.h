#pragma once
// A small metrics registry rendered in the Prometheus text exposition format
// (version 0.0.4): counters, gauges and histograms with fixed buckets, each
// a family of series told apart by label values.
//
//   Metrics metrics;
//   Counter& requests = metrics.AddCounter("sesame_api_requests_total",
//                                          "API requests.", {"route", "code"});
//   requests.Add({"/v1/apply", "200"});
//   std::string text = metrics.Render();
//
// Families are registered once, up front, and live as long as the registry:
// the references AddCounter and friends return stay valid. Label values are
// given in the order of the family's label names; a call with the wrong
// number of values is a programming error and is ignored (no series is
// created). Callers keep label values to a small, bounded set (a route
// pattern, never a raw path).
//
// Thread safety: every method of every class here may be called from any
// thread at once. Render takes each family's lock in turn, so a scrape sees
// each family consistently but not all families at one instant.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/mutex.h"

namespace sesame::controller {

using LabelValues = std::vector<std::string>;

// Shared by the three kinds: a name, help text and label names.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  // Appends "# HELP", "# TYPE" and one line per series to `out`.
  virtual void Render(std::string& out) const = 0;

 protected:
  // `{a="x",b="y"}` (with `extra` appended, e.g. `le="0.1"`), or "" with no
  // labels. Values are escaped as the format requires.
  std::string LabelText(const LabelValues& values, const std::string& extra = "") const;
  void RenderHeader(std::string& out, const char* type) const;
  bool Fits(const LabelValues& values) const { return values.size() == label_names_.size(); }

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
};

// A monotonically increasing count per label set.
class Counter final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void Add(const LabelValues& values, double delta = 1);
  // The current value (0 for a series never added to); for tests.
  double Value(const LabelValues& values) const;
  void Render(std::string& out) const override;

 private:
  mutable Mutex mutex_;
  std::map<LabelValues, double> series_ GUARDED_BY(mutex_);
};

// A value that goes up and down, set directly or read at scrape time.
class Gauge final : public MetricFamily {
 public:
  // Read when rendering; returns every series' label values and value.
  using Collect = std::function<std::vector<std::pair<LabelValues, double>>()>;

  Gauge(std::string name, std::string help, std::vector<std::string> label_names,
        Collect collect = nullptr)
      : MetricFamily(std::move(name), std::move(help), std::move(label_names)),
        collect_(std::move(collect)) {}
  // Ignored for a gauge with a Collect callback.
  void Set(const LabelValues& values, double value);
  void Render(std::string& out) const override;

 private:
  const Collect collect_;
  mutable Mutex mutex_;
  std::map<LabelValues, double> series_ GUARDED_BY(mutex_);
};

// Observations counted into fixed, cumulative buckets, with their sum.
class Histogram final : public MetricFamily {
 public:
  // `bounds`: the upper bounds of the buckets, ascending; +Inf is implied.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void Observe(const LabelValues& values, double value);
  // How many observations a series holds; for tests.
  uint64_t Count(const LabelValues& values) const;
  void Render(std::string& out) const override;

  // 0.5 ms .. 10 s, for request and reconcile durations in seconds.
  static std::vector<double> LatencyBuckets();

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // not cumulative; one per bound, then +Inf
    uint64_t count = 0;
    double sum = 0;
  };
  const std::vector<double> bounds_;
  mutable Mutex mutex_;
  std::map<LabelValues, Series> series_ GUARDED_BY(mutex_);
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Register a family. Registering a name twice returns the first family
  // when it is of the same kind (so two components may share one), and is
  // otherwise a programming error (aborts).
  Counter& AddCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names = {});
  Gauge& AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {}, Gauge::Collect collect = nullptr);
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names, std::vector<double> bounds);

  // Every family in registration order, in the text format.
  std::string Render() const;

 private:
  template <typename T, typename... Args>
  T& Add(const std::string& name, Args&&... args);

  mutable Mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_ GUARDED_BY(mutex_);
};

// A number as the text format writes it: integers without a fraction,
// "+Inf", "NaN".
std::string FormatMetricValue(double value);

}  // namespace sesame::controller
