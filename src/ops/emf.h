// CloudWatch's Embedded Metric Format: a metric value as one JSON log line that CloudWatch Logs
// turns into a metric
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
// The root holds `_aws` — `Timestamp` (milliseconds since the epoch) and `CloudWatchMetrics`, one
// MetricDirective of `Namespace`, `Dimensions` (one dimension set: the labels' names) and
// `Metrics` (`Name`, `Unit`) — and, as target members, each label's value (a string) and the
// metric's value (a number) under the metric's name. The Lambda functions write these on stdout,
// which Lambda sends to CloudWatch Logs; the names are the Prometheus ones (metric_catalog.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ops/metrics.h"

namespace snaplake::ops {

inline constexpr std::string_view kEmfNamespace = "snaplake";

// One EMF document, on one line (no trailing newline). A histogram's value is one observation.
std::string emf_line(const MetricFamily& family, const Labels& labels, double value,
                     int64_t timestamp_ms, std::string_view name_space = kEmfNamespace);

}  // namespace snaplake::ops
