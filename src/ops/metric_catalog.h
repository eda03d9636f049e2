// The metrics snaplake reports, said once: name, kind, meaning, unit and (for histograms) the
// bucket bounds. The Prometheus exposition (prometheus_text.h) and CloudWatch's Embedded Metric
// Format (emf.h) both write these; docs/operations.md lists them, and ops_test.cc checks that
// the list there and this one agree.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace snaplake::ops {

// Prometheus's metric types (https://prometheus.io/docs/concepts/metric_types/).
enum class MetricType { Counter, Gauge, Histogram };

struct MetricFamily {
  std::string_view name;  // snaplake_…, with Prometheus's unit and _total suffixes
  MetricType type;
  std::string_view help;
  // The CloudWatch unit of a value (EMF's MetricDefinition Unit): Count, Bytes, Seconds, None.
  std::string_view unit;
  std::span<const double> buckets = {};  // histograms: upper bounds, ascending (+Inf implied)
};

namespace metric {

// Stage durations: an export takes seconds natively and about an hour on RDS; a landing seconds
// to minutes.
inline constexpr std::array<double, 12> kDurationBuckets = {0.1, 0.5, 1,   5,    15,   30,
                                                            60,  300, 900, 1800, 3600, 14400};

inline constexpr MetricFamily kMessages{
    "snaplake_messages_total", MetricType::Counter,
    "Queue messages handled by a worker, by queue (events, tasks) and outcome (done, retried, "
    "dead_lettered)",
    "Count"};
inline constexpr MetricFamily kExports{
    "snaplake_exports_total", MetricType::Counter,
    "Exports by outcome: exported, or failed (the export stage threw; the message is retried or "
    "dead-lettered)",
    "Count"};
inline constexpr MetricFamily kLandings{
    "snaplake_landings_total", MetricType::Counter,
    "Landings by outcome: landed, superseded (newer snapshots hold its partitions), or failed",
    "Count"};
inline constexpr MetricFamily kExportedRows{"snaplake_exported_rows_total", MetricType::Counter,
                                            "Rows written by finished exports", "Count"};
inline constexpr MetricFamily kExportedBytes{"snaplake_exported_bytes_total", MetricType::Counter,
                                             "Parquet bytes written by finished exports", "Bytes"};
inline constexpr MetricFamily kLandedRows{"snaplake_landed_rows_total", MetricType::Counter,
                                          "Rows landed in the landing zone", "Count"};
inline constexpr MetricFamily kLandedBytes{"snaplake_landed_bytes_total", MetricType::Counter,
                                           "Bytes landed in the landing zone", "Bytes"};
inline constexpr MetricFamily kStageDuration{
    "snaplake_stage_duration_seconds", MetricType::Histogram,
    "How long one message took in its stage (export, land), whatever its outcome", "Seconds",
    kDurationBuckets};
inline constexpr MetricFamily kQueueMessages{
    "snaplake_queue_messages", MetricType::Gauge,
    "Messages in a queue (events, tasks) by state: visible, in_flight, delayed, dead (in its "
    "dead-letter queue)",
    "Count"};
inline constexpr MetricFamily kWaitingRuns{
    "snaplake_waiting_runs", MetricType::Gauge,
    "Recent runs waiting for RDS (a snapshot being created, an export task running)", "Count"};
inline constexpr MetricFamily kLastLanding{
    "snaplake_last_landing_timestamp_seconds", MetricType::Gauge,
    "Per instance, when its latest successful landing finished (Unix time); compare with time()",
    "Seconds"};

inline constexpr std::array<const MetricFamily*, 11> kAll = {
    &kMessages,    &kExports,       &kLandings,      &kExportedRows, &kExportedBytes, &kLandedRows,
    &kLandedBytes, &kStageDuration, &kQueueMessages, &kWaitingRuns,  &kLastLanding};

}  // namespace metric
}  // namespace snaplake::ops
