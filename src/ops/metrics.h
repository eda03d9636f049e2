// The metrics registry of one process: counters, gauges and histograms of the families of
// metric_catalog.h, each series named by its labels. Thread-safe: every worker records into the
// one registry, and the HTTP server reads a snapshot of it. A listener sees each value as it is
// recorded (the Lambda loop writes each as an EMF line, emf.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ops/metric_catalog.h"

namespace snaplake::ops {

// Label names and values, in the order given (a series' identity).
using Labels = std::vector<std::pair<std::string, std::string>>;

struct Series {
  Labels labels;
  double value = 0;                     // counter, gauge
  std::vector<uint64_t> bucket_counts;  // histogram: per bound of the family (not cumulative)
  uint64_t count = 0;                   // histogram: observations
  double sum = 0;                       // histogram: their sum
};

struct FamilySnapshot {
  const MetricFamily* family;
  std::vector<Series> series;  // ordered by labels
};

class Registry {
 public:
  using Listener =
      std::function<void(const MetricFamily& family, const Labels& labels, double value)>;

  // Counter += value (>= 0).
  void add(const MetricFamily& family, const Labels& labels, double value = 1);
  // Gauge = value.
  void set(const MetricFamily& family, const Labels& labels, double value);
  // Histogram observation.
  void observe(const MetricFamily& family, const Labels& labels, double value);
  // Forgets every series of a gauge family (before setting what is there now).
  void clear(const MetricFamily& family);

  // Every family of metric::kAll, in that order, with the series recorded so far.
  std::vector<FamilySnapshot> snapshot() const;

  void set_listener(Listener listener);

 private:
  Series& series(const MetricFamily& family, const Labels& labels);
  // Applies `change` to the series under the lock, then tells the listener, outside it.
  template <typename Change>
  void update(const MetricFamily& family, const Labels& labels, double value, Change change);

  mutable std::mutex mutex_;
  std::map<std::string_view, std::map<Labels, Series>> families_;
  Listener listener_;
};

}  // namespace snaplake::ops
