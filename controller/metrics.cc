#include "controller/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sesame::controller {

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
  }
  return buffer;
}

namespace {

std::string Escape(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

std::string MetricFamily::LabelText(const LabelValues& values, const std::string& extra) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    out += (out.empty() ? "" : ",") + label_names_[i] + "=\"" + Escape(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void MetricFamily::RenderHeader(std::string& out, const char* type) const {
  out += "# HELP " + name_ + " " + help_ + "\n";
  out += "# TYPE " + name_ + " " + type + "\n";
}

void Counter::Add(const LabelValues& values, double delta) {
  if (!Fits(values) || delta < 0) return;
  MutexLock lock(mutex_);
  series_[values] += delta;
}

double Counter::Value(const LabelValues& values) const {
  MutexLock lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second;
}

void Counter::Render(std::string& out) const {
  RenderHeader(out, "counter");
  MutexLock lock(mutex_);
  for (const auto& [labels, value] : series_) {
    out += name_ + LabelText(labels) + " " + FormatMetricValue(value) + "\n";
  }
}

void Gauge::Set(const LabelValues& values, double value) {
  if (!Fits(values) || collect_) return;
  MutexLock lock(mutex_);
  series_[values] = value;
}

void Gauge::Render(std::string& out) const {
  RenderHeader(out, "gauge");
  std::map<LabelValues, double> series;
  if (collect_) {
    // Called without our lock: the callback takes locks of its own.
    for (auto& [labels, value] : collect_()) {
      if (Fits(labels)) series[labels] += value;
    }
  } else {
    MutexLock lock(mutex_);
    series = series_;
  }
  for (const auto& [labels, value] : series) {
    out += name_ + LabelText(labels) + " " + FormatMetricValue(value) + "\n";
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {}

std::vector<double> Histogram::LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void Histogram::Observe(const LabelValues& values, double value) {
  if (!Fits(values)) return;
  size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  MutexLock lock(mutex_);
  Series& s = series_[values];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  s.buckets[bucket]++;
  s.count++;
  s.sum += value;
}

uint64_t Histogram::Count(const LabelValues& values) const {
  MutexLock lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::Render(std::string& out) const {
  RenderHeader(out, "histogram");
  MutexLock lock(mutex_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      std::string le = i < bounds_.size() ? FormatMetricValue(bounds_[i]) : "+Inf";
      out += name_ + "_bucket" + LabelText(labels, "le=\"" + le + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum" + LabelText(labels) + " " + FormatMetricValue(s.sum) + "\n";
    out += name_ + "_count" + LabelText(labels) + " " + std::to_string(s.count) + "\n";
  }
}

template <typename T, typename... Args>
T& Metrics::Add(const std::string& name, Args&&... args) {
  MutexLock lock(mutex_);
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    if (auto* same = dynamic_cast<T*>(family.get())) return *same;
    std::fprintf(stderr, "metric %s registered twice with different kinds\n", name.c_str());
    std::abort();
  }
  families_.push_back(std::make_unique<T>(name, std::forward<Args>(args)...));
  return static_cast<T&>(*families_.back());
}

Counter& Metrics::AddCounter(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names) {
  return Add<Counter>(name, help, std::move(label_names));
}

Gauge& Metrics::AddGauge(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names, Gauge::Collect collect) {
  return Add<Gauge>(name, help, std::move(label_names), std::move(collect));
}

Histogram& Metrics::AddHistogram(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names, std::vector<double> bounds) {
  return Add<Histogram>(name, help, std::move(label_names), std::move(bounds));
}

std::string Metrics::Render() const {
  std::vector<const MetricFamily*> families;
  {
    MutexLock lock(mutex_);
    for (const auto& f : families_) families.push_back(f.get());
  }
  std::string out;
  for (const MetricFamily* f : families) f->Render(out);
  return out;
}

}  // namespace sesame::controller
