#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.h"
#include "ops/emf.h"
#include "ops/http_server.h"
#include "ops/metric_catalog.h"
#include "ops/metrics.h"
#include "ops/prometheus_text.h"
#include "ops/status_page.h"

namespace snaplake::ops {
namespace {

// Only these families' sections of the exposition (each family is always listed).
std::string section(const std::string& text, std::string_view family) {
  std::istringstream lines(text);
  std::string line, out;
  while (std::getline(lines, line)) {
    bool ours =
        line.starts_with(fmt::format("# HELP {} ", family)) ||
        line.starts_with(fmt::format("# TYPE {} ", family)) ||
        (line.starts_with(family) &&
         (line[family.size()] == '{' || line[family.size()] == ' ' || line[family.size()] == '_'));
    if (ours) out += line + "\n";
  }
  return out;
}

TEST(PrometheusText, CountersWithLabelsEscaped) {
  Registry r;
  r.add(metric::kMessages, {{"queue", "events"}, {"outcome", "done"}});
  r.add(metric::kMessages, {{"queue", "events"}, {"outcome", "done"}}, 2);
  r.add(metric::kMessages, {{"queue", "ta\"s\\ks\n"}, {"outcome", "retried"}});
  EXPECT_EQ(section(prometheus_text(r.snapshot()), "snaplake_messages_total"),
            "# HELP snaplake_messages_total Queue messages handled by a worker, by queue (events, "
            "tasks) and outcome (done, retried, dead_lettered)\n"
            "# TYPE snaplake_messages_total counter\n"
            "snaplake_messages_total{queue=\"events\",outcome=\"done\"} 3\n"
            "snaplake_messages_total{queue=\"ta\\\"s\\\\ks\\n\",outcome=\"retried\"} 1\n");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeAndEndWithInf) {
  Registry r;
  for (double v : {0.05, 0.1, 2.0, 20000.0})
    r.observe(metric::kStageDuration, {{"stage", "land"}}, v);
  std::string text = section(prometheus_text(r.snapshot()), "snaplake_stage_duration_seconds");
  EXPECT_NE(text.find("# TYPE snaplake_stage_duration_seconds histogram\n"), std::string::npos);
  // le is "less than or equal": 0.1 is in the 0.1 bucket.
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_bucket{stage=\"land\",le=\"0.1\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_bucket{stage=\"land\",le=\"1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_bucket{stage=\"land\",le=\"5\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_bucket{stage=\"land\",le=\"14400\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_bucket{stage=\"land\",le=\"+Inf\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_sum{stage=\"land\"} 20002.15\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("snaplake_stage_duration_seconds_count{stage=\"land\"} 4\n"),
            std::string::npos);
}

TEST(PrometheusText, GaugesAreSetAndCleared) {
  Registry r;
  r.set(metric::kLastLanding, {{"instance", "care-db"}}, 1764633600);
  r.set(metric::kQueueMessages, {{"queue", "tasks"}, {"state", "dead"}}, 5);
  r.set(metric::kQueueMessages, {{"queue", "tasks"}, {"state", "dead"}}, 1);
  std::string text = prometheus_text(r.snapshot());
  EXPECT_NE(text.find("snaplake_last_landing_timestamp_seconds{instance=\"care-db\"} 1764633600\n"),
            std::string::npos);
  EXPECT_NE(text.find("snaplake_queue_messages{queue=\"tasks\",state=\"dead\"} 1\n"),
            std::string::npos);
  r.clear(metric::kQueueMessages);
  EXPECT_EQ(prometheus_text(r.snapshot()).find("snaplake_queue_messages{"), std::string::npos);
}

TEST(Registry, AValueOfTheWrongKindIsABug) {
  Registry r;
  EXPECT_THROW(r.set(metric::kMessages, {}, 1), Error);
  EXPECT_THROW(r.add(metric::kQueueMessages, {}, 1), Error);
  EXPECT_THROW(r.add(metric::kMessages, {}, -1), Error);
  EXPECT_THROW(r.observe(metric::kExports, {}, 1), Error);
}

TEST(MetricCatalog, NamesFollowPrometheusConventionsAndAreDocumented) {
  std::ifstream file(SNAPLAKE_SOURCE_DIR "/docs/operations.md");
  ASSERT_TRUE(file) << "docs/operations.md";
  std::string doc((std::istreambuf_iterator<char>(file)), {});
  std::set<std::string_view> names;
  for (const MetricFamily* f : metric::kAll) {
    SCOPED_TRACE(f->name);
    EXPECT_TRUE(names.insert(f->name).second) << "listed twice";
    EXPECT_TRUE(f->name.starts_with("snaplake_"));
    EXPECT_EQ(f->name.ends_with("_total"), f->type == MetricType::Counter);
    if (f->type == MetricType::Histogram) {
      EXPECT_FALSE(f->buckets.empty());
      EXPECT_TRUE(std::is_sorted(f->buckets.begin(), f->buckets.end()));
    }
    EXPECT_NE(doc.find(fmt::format("`{}`", f->name)), std::string::npos)
        << "not in docs/operations.md";
  }
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
TEST(Emf, ALineIsAnEmbeddedMetricFormatDocument) {
  const std::set<std::string> units = {"Seconds",   "Microseconds", "Milliseconds", "Bytes",
                                       "Kilobytes", "Megabytes",    "Count",        "None"};
  std::string line = emf_line(metric::kLandings, {{"outcome", "landed"}}, 1, 1764633600123);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one line";
  auto doc = nlohmann::json::parse(line);
  ASSERT_TRUE(doc.contains("_aws"));
  const auto& aws = doc["_aws"];
  // The metadata object: Timestamp (a number, ms since the epoch) and CloudWatchMetrics only.
  EXPECT_EQ(aws.size(), 2u) << aws;
  ASSERT_TRUE(aws["Timestamp"].is_number_integer());
  EXPECT_EQ(aws["Timestamp"].get<int64_t>(), 1764633600123);
  ASSERT_TRUE(aws["CloudWatchMetrics"].is_array());
  ASSERT_EQ(aws["CloudWatchMetrics"].size(), 1u);
  const auto& directive = aws["CloudWatchMetrics"][0];
  EXPECT_EQ(directive.size(), 3u) << directive;
  EXPECT_EQ(directive["Namespace"], "snaplake");
  // Dimensions: an array of dimension sets, each an array of names of root members that are
  // strings.
  ASSERT_TRUE(directive["Dimensions"].is_array());
  ASSERT_EQ(directive["Dimensions"].size(), 1u);
  EXPECT_EQ(directive["Dimensions"][0], nlohmann::json::array({"outcome"}));
  for (const auto& name : directive["Dimensions"][0]) {
    ASSERT_TRUE(doc[name.get<std::string>()].is_string()) << name;
  }
  EXPECT_EQ(doc["outcome"], "landed");
  // Metrics: MetricDefinitions of a Name (a root member that is a number) and a Unit.
  ASSERT_EQ(directive["Metrics"].size(), 1u);
  const auto& definition = directive["Metrics"][0];
  EXPECT_EQ(definition["Name"], "snaplake_landings_total");
  EXPECT_TRUE(units.contains(definition["Unit"].get<std::string>()));
  ASSERT_TRUE(doc["snaplake_landings_total"].is_number());
  EXPECT_EQ(doc["snaplake_landings_total"].get<double>(), 1);
  // Every family's unit is one of CloudWatch's.
  for (const MetricFamily* f : metric::kAll) {
    EXPECT_TRUE(units.contains(std::string(f->unit))) << f->name << ": " << f->unit;
  }
}

TEST(Emf, TheRegistryListenerSeesEachValueAsRecorded) {
  Registry r;
  std::vector<std::string> lines;
  r.set_listener([&](const MetricFamily& f, const Labels& labels, double v) {
    lines.push_back(emf_line(f, labels, v, 1));
  });
  r.add(metric::kExportedRows, {}, 700);
  r.observe(metric::kStageDuration, {{"stage", "export"}}, 2.5);
  ASSERT_EQ(lines.size(), 2u);
  auto rows = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(rows["_aws"]["CloudWatchMetrics"][0]["Dimensions"], nlohmann::json::parse("[[]]"));
  EXPECT_EQ(rows["snaplake_exported_rows_total"].get<double>(), 700);
  auto duration = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(duration["stage"], "export");
  EXPECT_EQ(duration["snaplake_stage_duration_seconds"].get<double>(), 2.5);
  EXPECT_EQ(duration["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"], "Seconds");
}

TEST(ListenAddress, LoopbackUnlessAnAddressIsGiven) {
  auto a = parse_listen_address("9464");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 9464);
  auto b = parse_listen_address("0.0.0.0:8080");
  EXPECT_EQ(b.host, "0.0.0.0");
  EXPECT_EQ(b.port, 8080);
  for (const char* bad :
       {"", "x", "localhost:80", "1.2.3.4:", "1.2.3.4:70000", "1.2.3.4:-1", "127.0.0.1:80x"}) {
    SCOPED_TRACE(bad);
    try {
      parse_listen_address(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    }
  }
}

// One request over a real socket; the whole answer.
std::string fetch(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::send(fd, request.data(), request.size(), 0);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
  ::close(fd);
  return answer;
}

TEST(HttpServer, AnswersGetAndHeadAndRefusesOtherMethods) {
  std::vector<std::string> paths;
  auto server = HttpServer::start({"127.0.0.1", 0}, [&](std::string_view path) {
    paths.emplace_back(path);
    if (path == "/fails") throw Error(ErrorKind::Network, "queue unreachable");
    return HttpResponse{path == "/healthz" ? 200 : 404, "text/plain; charset=utf-8", "body\n"};
  });
  int port = std::stoi(server->address().substr(server->address().rfind(':') + 1));
  ASSERT_GT(port, 0);
  EXPECT_EQ(fetch(port, "GET /healthz?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\nbody\n");
  std::string head = fetch(port, "HEAD /nothing HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 404 Not Found\r\n")) << head;
  EXPECT_TRUE(
      head.ends_with("Content-Length: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"))
      << head;
  EXPECT_TRUE(fetch(port, "POST /healthz HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
  EXPECT_TRUE(fetch(port, "nonsense\r\n\r\n").starts_with("HTTP/1.1 400 "));
  std::string failed = fetch(port, "GET /fails HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(failed.starts_with("HTTP/1.1 500 ")) << failed;
  EXPECT_TRUE(failed.ends_with("queue unreachable\n")) << failed;
  EXPECT_EQ(paths, (std::vector<std::string>{"/healthz", "/nothing", "/fails"}));
}

TEST(HttpServer, AnAddressInUseIsRefused) {
  auto first = HttpServer::start({"127.0.0.1", 0}, [](std::string_view) { return HttpResponse{}; });
  int port = std::stoi(first->address().substr(first->address().rfind(':') + 1));
  try {
    HttpServer::start({"127.0.0.1", port}, [](std::string_view) { return HttpResponse{}; });
    ADD_FAILURE() << "bound twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

TEST(StatusPage, ShowsTheWholeCauseEscapedAndNeedsNothingElse) {
  std::string cause(300, 'x');
  cause += " <script>alert(1)</script> HTTP 404 NoSuchBucket";
  auto status = nlohmann::ordered_json::parse(R"({
    "config": "/etc/snaplake.toml",
    "queues": {"events": {"location": "sqlite:q#events", "visible": 1, "inFlight": 0, "delayed": 2, "dead": 1}},
    "runs": [{"exportId": "care-1", "instanceId": "care", "stage": "dead-lettered", "started": "-",
              "landed": "-", "tables": 0, "rows": 0, "bytes": 0, "attempts": 2, "error": ""}],
    "deadLetters": [{"queue": "events", "messageId": "7", "receiveCount": 2, "time": "t", "cause": ""}],
    "notes": []})");
  status["deadLetters"][0]["cause"] = cause;
  std::string page = status_page(status);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(page.find(std::string(300, 'x') +
                      " &lt;script&gt;alert(1)&lt;/script&gt; HTTP 404 NoSuchBucket"),
            std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  // Self-contained: nothing fetched from anywhere.
  for (const char* external : {"src=", "href=", "url(", "@import"}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  EXPECT_NE(page.find("data-export-id=\"care-1\""), std::string::npos);
  EXPECT_NE(page.find("<td class=\"stage stage-dead-lettered\">dead-lettered</td>"),
            std::string::npos);
  EXPECT_NE(page.find("(none)"), std::string::npos);  // no notes
}

}  // namespace
}  // namespace snaplake::ops
