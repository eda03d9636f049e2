#include "ops/metrics.h"

#include <algorithm>

#include "common/error.h"

namespace snaplake::ops {

Series& Registry::series(const MetricFamily& family, const Labels& labels) {
  auto& by_labels = families_[family.name];
  auto [it, added] = by_labels.try_emplace(labels);
  if (added) {
    it->second.labels = labels;
    it->second.bucket_counts.assign(family.buckets.size(), 0);
  }
  return it->second;
}

template <typename Change>
void Registry::update(const MetricFamily& family, const Labels& labels, double value,
                      Change change) {
  Listener listener;
  {
    std::lock_guard lock(mutex_);
    change(series(family, labels));
    listener = listener_;
  }
  if (listener) listener(family, labels, value);
}

void Registry::add(const MetricFamily& family, const Labels& labels, double value) {
  if (family.type != MetricType::Counter || value < 0) {
    fail(ErrorKind::Internal, "metric {}: add({}) is for counters, by non-negative values",
         family.name, value);
  }
  update(family, labels, value, [&](Series& s) { s.value += value; });
}

void Registry::set(const MetricFamily& family, const Labels& labels, double value) {
  if (family.type != MetricType::Gauge) {
    fail(ErrorKind::Internal, "metric {}: set() is for gauges", family.name);
  }
  update(family, labels, value, [&](Series& s) { s.value = value; });
}

void Registry::observe(const MetricFamily& family, const Labels& labels, double value) {
  if (family.type != MetricType::Histogram) {
    fail(ErrorKind::Internal, "metric {}: observe() is for histograms", family.name);
  }
  update(family, labels, value, [&](Series& s) {
    auto bound = std::lower_bound(family.buckets.begin(), family.buckets.end(), value);
    if (bound != family.buckets.end()) ++s.bucket_counts[bound - family.buckets.begin()];
    ++s.count;
    s.sum += value;
  });
}

void Registry::clear(const MetricFamily& family) {
  std::lock_guard lock(mutex_);
  families_.erase(family.name);
}

std::vector<FamilySnapshot> Registry::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<FamilySnapshot> out;
  for (const MetricFamily* family : metric::kAll) {
    FamilySnapshot f{family, {}};
    if (auto it = families_.find(family->name); it != families_.end()) {
      for (const auto& [labels, s] : it->second) f.series.push_back(s);
    }
    out.push_back(std::move(f));
  }
  return out;
}

void Registry::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

}  // namespace snaplake::ops
