// The Lambda loop's handling of SQS batches, with stand-in engines and the embedded queue in SQS's
// place: the records are received from it first, so each carries a real receipt handle, as SQS's
// event source mapping hands them over. The loop itself against a Runtime API stand-in is
// tests/e2e/pipeline_lambda.test.mjs.
#include "pipeline/lambda_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "common/timestamp.h"
#include "ops/emf.h"
#include "ops/metrics.h"
#include "pipeline/engines.h"
#include "pipeline/events.h"
#include "pipeline/status_store.h"
#include "pipeline/waits.h"

namespace snaplake::pipeline {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class LambdaLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("snaplake-lambda-{}-{}", getpid(), counter++);
    std::filesystem::remove_all(dir_);
    config_ = parse_config(R"(
[queue]
max_receives = 3
[[instances]]
id = "care"
source = "postgresql://postgres@127.0.0.1/care"
)",
                           (dir_ / "snaplake.toml").string(), dir_,
                           [](std::string_view) { return std::nullopt; });
    engines_.run_export = [this](const exporter::ExportOptions& o) {
      ++exports_;
      if (export_error_) export_error_();
      exporter::ExportResult r;
      r.export_id = o.export_id;
      r.export_root = o.to + "/" + o.export_id;
      return r;
    };
    engines_.land = [](const landing::LandOptions&) {
      landing::LandResult r;
      r.outcome = landing::TableOutcome::Landed;
      return r;
    };
    events_ = open_queue(config_, QueueRole::Events, nullptr);
    tasks_ = open_queue(config_, QueueRole::Tasks, nullptr);
    status_ = StatusStore::open(config_, nullptr);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Sends the bodies to the events queue, receives them as SQS's event source does (the n-th
  // receive of each), and returns the batch Lambda would be invoked with.
  std::string batch(const std::vector<std::string>& bodies, int receives = 1) {
    for (const auto& b : bodies) events_->send(b);
    std::vector<queue::Message> got;
    for (int r = 0; r < receives; ++r) {
      got = events_->receive(10, std::chrono::milliseconds(r + 1 < receives ? 0 : 60000));
    }
    json records = json::array();
    for (const auto& m : got) {
      records.push_back(
          {{"messageId", m.id},
           {"receiptHandle", m.receipt},
           {"body", m.body},
           {"attributes", {{"ApproximateReceiveCount", std::to_string(m.receive_count)}}},
           {"eventSource", "aws:sqs"},
           {"eventSourceARN", "arn:aws:sqs:eu-west-2:123456789012:events"}});
    }
    return json{{"Records", records}}.dump();
  }

  json invoke(const std::string& event) {
    StageContext context{config_, engines_, *status_, nullptr, tasks_.get(), events_.get()};
    context.deadline = deadline_;
    return json::parse(handle_invocation(context, QueueRole::Events, events_.get(),
                                         config_.queue.max_receives, event));
  }

  // A recent snapshot: one older than [export] max_event_age is dropped, not exported.
  std::string event() const { return snaplake_event_json("care", event_time_); }
  const std::string event_time_ = iso8601(wall_now());

  std::filesystem::path dir_;
  Config config_;
  Engines engines_;
  std::unique_ptr<queue::Queue> events_, tasks_;
  std::unique_ptr<StatusStore> status_;
  int exports_ = 0;
  std::function<void()> export_error_;  // throws the failure the export is to end with
  std::optional<std::chrono::system_clock::time_point> deadline_;  // the invocation's
};

// A database the export function does not expect to export before the invocation's deadline is
// refused before any export starts, and dead-lettered at once with a cause saying what to do:
// retrying would be refused again.
TEST_F(LambdaLoopTest, ADatabaseTooBigForTheTimeLeftIsRefusedAndDeadLetteredAtOnce) {
  uint64_t estimated = 0;
  engines_.estimate_export_bytes = [&](const exporter::ExportOptions& o) {
    EXPECT_EQ(o.source_uri, "postgresql://postgres@127.0.0.1/care");
    return estimated;
  };
  deadline_ = std::chrono::system_clock::now() + std::chrono::minutes(14);
  estimated = uint64_t{40} << 30;  // 40 GiB at 20 MB/s: about 36 minutes
  json answer = invoke(batch({event()}));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  EXPECT_EQ(exports_, 0);
  auto dead = events_->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].cause, HasSubstr("unsupported: instance care holds about 40.0 GiB"));
  EXPECT_THAT(dead[0].cause, HasSubstr("export it with `snaplake run` workers instead"));

  // 1 GiB at 20 MB/s, under a minute: exported.
  estimated = uint64_t{1} << 30;
  answer = invoke(batch({snaplake_event_json("care", iso8601(wall_now()))}));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  EXPECT_EQ(exports_, 1);
}

// Outside Lambda (no deadline) nothing is estimated.
TEST_F(LambdaLoopTest, WithoutADeadlineNothingIsEstimated) {
  engines_.estimate_export_bytes = [](const exporter::ExportOptions&) -> uint64_t {
    ADD_FAILURE() << "estimated without a deadline";
    return 0;
  };
  invoke(batch({event()}));
  EXPECT_EQ(exports_, 1);
}

TEST_F(LambdaLoopTest, ADoneRecordIsNotReportedAndItsTaskIsSent) {
  json answer = invoke(batch({event()}));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  EXPECT_EQ(exports_, 1);
  EXPECT_EQ(tasks_->counts().visible, 1u);
}

TEST_F(LambdaLoopTest, AMalformedRecordIsDeadLetteredHereWithItsCauseNotRetried) {
  json answer = invoke(batch({"{not json", event()}));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  auto dead = events_->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "{not json");
  EXPECT_THAT(dead[0].cause, HasSubstr("invalid input: "));
  EXPECT_EQ(exports_, 1);  // the other record of the batch went on
}

// The Lambda functions' metrics: each value as recorded, as one Embedded Metric Format line
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
// with the names and labels of `run --listen`'s /metrics.
TEST_F(LambdaLoopTest, AnInvocationWritesItsMetricsAsEmbeddedMetricFormatLines) {
  std::vector<json> lines;
  ops::Registry metrics;
  metrics.set_listener([&](const ops::MetricFamily& f, const ops::Labels& labels, double v) {
    lines.push_back(json::parse(ops::emf_line(f, labels, v, 1764633600000)));
  });
  StageContext context{config_, engines_, *status_, nullptr, tasks_.get(), events_.get()};
  context.metrics = &metrics;
  handle_invocation(context, QueueRole::Events, events_.get(), config_.queue.max_receives,
                    batch({"{not json", event()}));
  std::multiset<std::string> seen;
  for (const json& line : lines) {
    // The shape the specification requires: _aws with Timestamp and one directive whose
    // dimension names and metric names are members of the root, strings and numbers.
    ASSERT_TRUE(line["_aws"]["Timestamp"].is_number_integer()) << line;
    const json& directive = line["_aws"]["CloudWatchMetrics"].at(0);
    EXPECT_EQ(directive["Namespace"], "snaplake");
    std::string key;
    for (const json& name : directive["Dimensions"].at(0)) {
      ASSERT_TRUE(line[name.get<std::string>()].is_string()) << line;
      key += fmt::format("{}={},", name.get<std::string>(),
                         line[name.get<std::string>()].get<std::string>());
    }
    std::string metric = directive["Metrics"].at(0)["Name"];
    ASSERT_TRUE(line[metric].is_number()) << line;
    seen.insert(metric + "{" + key + "}");
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{
                      "snaplake_messages_total{queue=events,outcome=dead_lettered,}",
                      "snaplake_messages_total{queue=events,outcome=done,}",
                      "snaplake_stage_duration_seconds{stage=export,}",
                      "snaplake_stage_duration_seconds{stage=export,}",
                      "snaplake_exports_total{outcome=exported,}",
                      "snaplake_exported_rows_total{}",
                      "snaplake_exported_bytes_total{}",
                  }));
}

TEST_F(LambdaLoopTest, ARetryableFailureIsReportedUntilMaxReceivesThenDeadLettered) {
  export_error_ = [] { fail(ErrorKind::Network, "cannot connect to 'care': connection refused"); };
  std::string first = batch({event()});
  json answer = invoke(first);
  ASSERT_EQ(answer["batchItemFailures"].size(), 1u);
  EXPECT_TRUE(events_->dead_letters().empty());
  // The third receive (max_receives 3) gives up, as the worker does: dead-lettered here.
  events_->change_visibility(json::parse(first)["Records"][0]["receiptHandle"].get<std::string>(),
                             std::chrono::milliseconds(0));
  answer = invoke(batch({}, 2));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  auto dead = events_->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].cause, HasSubstr("gave up after 3 attempts: network: cannot connect"));
  auto runs = status_->recent_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].stage, RunStage::DeadLettered);
}

TEST_F(LambdaLoopTest, AWaitThatRanOutIsDeadLetteredAsFirstReceived) {
  export_error_ = [this] {
    throw WaitExhausted("RDS snapshot 'x' still creating after 9 checks over 1h: giving up",
                        event());
  };
  json answer = invoke(batch({wrap_waiting_message(event(), 8)}));
  EXPECT_EQ(answer["batchItemFailures"], json::array());
  auto dead = events_->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, event());  // so that a redrive waits afresh
  EXPECT_THAT(dead[0].cause, HasSubstr("still creating after 9 checks"));
}

TEST_F(LambdaLoopTest, RecordsOfOddShapesAreHandledNotFatal) {
  // A numeric messageId and a missing body: the record is named by what it has.
  json odd = {
      {"Records", json::array({{{"messageId", 42}, {"receiptHandle", ""}}, "not a record"})}};
  json answer = invoke(odd.dump());
  // The empty body is invalid input; with no receipt it cannot be dead-lettered here, so SQS's
  // redrive policy is left to do it.
  ASSERT_EQ(answer["batchItemFailures"].size(), 1u);
  EXPECT_EQ(answer["batchItemFailures"][0]["itemIdentifier"], "42");
}

TEST_F(LambdaLoopTest, RecordsOfAnotherQueueAreLeftToSqs) {
  // A record whose queue is not the configured one: this function cannot delete or dead-letter
  // it there, so it is reported, and SQS's own redrive policy moves it.
  json records = json::parse(batch({"{not json"}));
  records["Records"][0]["eventSourceARN"] = "arn:aws:sqs:eu-west-2:123456789012:some-other-queue";
  json answer = invoke(records.dump());
  ASSERT_EQ(answer["batchItemFailures"].size(), 1u);
  EXPECT_TRUE(events_->dead_letters().empty());
}

TEST_F(LambdaLoopTest, AnEventThatIsNotABatchIsOneMessage) {
  EXPECT_EQ(invoke(event()), json::object());
  EXPECT_EQ(exports_, 1);
  StageContext context{config_, engines_, *status_, nullptr, tasks_.get(), events_.get()};
  EXPECT_THROW(handle_invocation(context, QueueRole::Events, nullptr, 3, "{\"nonsense\": 1}"),
               Error);
}

// In Lambda nothing is written inside the package ($LAMBDA_TASK_ROOT, read-only): a
// configuration there whose local locations sit beside it is refused before the first
// invocation, naming the key; with SQS and S3 the defaults write nothing local.
TEST(LambdaWrites, NothingIsWrittenInsideThePackage) {
  Environment none([](std::string_view) { return std::optional<std::string>(); });
  auto config = [&](std::string_view text) {
    return parse_config(text, "/var/task/snaplake.toml", "/var/task", none);
  };
  const std::string instance = "[[instances]]\nid = \"care\"\nsource = \"postgresql://h/care\"\n";
  Config beside = config(instance);  // embedded queue and exports beside the file
  try {
    check_lambda_writes(beside, QueueRole::Events, "/var/task");
    ADD_FAILURE() << "expected Error(Config)";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_THAT(e.what(),
                HasSubstr("[queue] path '/var/task/.snaplake/queue.db' is inside /var/task"));
  }
  EXPECT_NO_THROW(check_lambda_writes(beside, QueueRole::Events, ""));  // not in Lambda

  const std::string sqs =
      "[queue]\nbackend = \"sqs\"\nevents_url = \"http://q/e\"\ntasks_url = \"http://q/t\"\n";
  Config shared = config(
      sqs + "[export]\nto = \"s3://exports/snaplake\"\n[landing]\nto = \"s3://lake\"\n" + instance);
  EXPECT_EQ(shared.status.location, "s3://exports/snaplake/_snaplake/status");
  EXPECT_NO_THROW(check_lambda_writes(shared, QueueRole::Events, "/var/task"));
  EXPECT_NO_THROW(check_lambda_writes(shared, QueueRole::Tasks, "/var/task"));

  // Exports to a folder beside the file: the export function is refused, and with them the run
  // state that would default to beside them.
  Config local_exports = config(sqs + "[landing]\nto = \"s3://lake\"\n" + instance);
  EXPECT_THROW(check_lambda_writes(local_exports, QueueRole::Events, "/var/task"), Error);
  try {
    check_lambda_writes(local_exports, QueueRole::Tasks, "/var/task");
    ADD_FAILURE() << "expected Error(Config)";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("[status] location '/var/task/exports/_snaplake/status'"));
  }
  Config in_tmp =
      config(sqs + "[export]\nto = \"/tmp/exports\"\n[landing]\nto = \"s3://lake\"\n" + instance);
  EXPECT_NO_THROW(check_lambda_writes(in_tmp, QueueRole::Events, "/var/task"));
  EXPECT_NO_THROW(check_lambda_writes(in_tmp, QueueRole::Tasks, "/var/task/"));
}

}  // namespace
}  // namespace snaplake::pipeline
