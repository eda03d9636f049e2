#include "pipeline/waits.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

constexpr std::string_view kWrapperKey = "snaplake_waiting";

}  // namespace

std::chrono::milliseconds WaitSchedule::delay_after(int checks) const {
  std::chrono::milliseconds delay = first_delay;
  for (int i = 1; i < checks && delay < longest_delay; ++i) delay *= 2;
  return std::min(delay, longest_delay);
}

std::chrono::milliseconds WaitSchedule::waited_after(int checks) const {
  std::chrono::milliseconds total{0};
  for (int i = 1; i <= checks; ++i) total += delay_after(i);
  return total;
}

WaitSchedule export_wait_schedule(std::chrono::milliseconds give_up_after) {
  return {.first_delay = std::chrono::seconds(30),
          .longest_delay = std::chrono::minutes(5),
          .give_up_after = give_up_after};
}

WaitSchedule export_task_wait_schedule(std::chrono::milliseconds give_up_after) {
  return {.first_delay = std::chrono::seconds(30),
          .longest_delay = std::chrono::minutes(15),
          .give_up_after = give_up_after};
}

WaitSchedule claim_wait_schedule(std::chrono::milliseconds lease) {
  // No bound of its own: the wait ends when the holder ends (COMPLETE: the task is sent again;
  // FAILED or abandoned: this event exports it), and a holder that stops renewing is gone
  // after one lease.
  return {.first_delay = std::clamp<std::chrono::milliseconds>(lease / 2, std::chrono::seconds(1),
                                                               std::chrono::seconds(30)),
          .longest_delay = std::chrono::minutes(5),
          .give_up_after = std::chrono::hours(24 * 365)};
}

std::string describe_duration(std::chrono::milliseconds duration) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds < 60) return fmt::format("{}s", seconds);
  auto minutes = (seconds + 30) / 60;
  if (minutes < 60) return fmt::format("{}m", minutes);
  if (minutes % 60 == 0) return fmt::format("{}h", minutes / 60);
  return fmt::format("{}h{}m", minutes / 60, minutes % 60);
}

std::chrono::milliseconds wait_again(queue::Queue& queue, std::string_view body,
                                     std::string_view first_body, int checks,
                                     const WaitSchedule& schedule, std::string_view reason) {
  auto waited = schedule.waited_after(checks - 1);
  if (waited >= schedule.give_up_after) {
    throw WaitExhausted(fmt::format("{} after {} checks over {}: giving up", reason, checks,
                                    describe_duration(waited)),
                        std::string(first_body));
  }
  auto delay = schedule.delay_after(checks);
  queue.send(body, delay);
  return delay;
}

std::string wrap_waiting_message(std::string_view body, int checks) {
  nlohmann::json wrapper = {{kWrapperKey, {{"checks", checks}}}, {"body", body}};
  return wrapper.dump();
}

WaitingMessage unwrap_waiting_message(std::string_view body) {
  if (body.find(kWrapperKey) == std::string_view::npos) return {std::string(body), 0};
  nlohmann::json root = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains(kWrapperKey)) return {std::string(body), 0};
  const auto& waiting = root[kWrapperKey];
  auto body_it = root.find("body");
  if (!waiting.is_object() || !waiting.contains("checks") ||
      !waiting["checks"].is_number_integer() || waiting["checks"].get<int64_t>() < 0 ||
      waiting["checks"].get<int64_t>() > 1'000'000 || body_it == root.end() ||
      !body_it->is_string()) {
    fail(ErrorKind::InvalidInput,
         "malformed message: a \"{}\" wrapper needs {{\"checks\": <count>}} and a \"body\" string",
         kWrapperKey);
  }
  return {body_it->get<std::string>(), waiting["checks"].get<int>()};
}

}  // namespace snaplake::pipeline
