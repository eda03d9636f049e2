#include "pipeline/failure_policy.h"

#include <gtest/gtest.h>

#include "pipeline/waits.h"
#include "rds_export/documents.h"

namespace snaplake::pipeline {
namespace {

using namespace std::chrono;

TEST(FailurePolicy, RetriesWhatMaySucceedLaterWithinMaxReceives) {
  for (ErrorKind kind :
       {ErrorKind::Network, ErrorKind::Conflict, ErrorKind::Source, ErrorKind::Io}) {
    Error e(kind, "try again");
    EXPECT_TRUE(retry_may_help(e)) << to_string(kind);
    auto d = decide(e, 1, 3, seconds(2), minutes(15));
    EXPECT_EQ(d.action, FailureDecision::Action::Retry);
    EXPECT_EQ(d.delay, seconds(2));
    EXPECT_EQ(decide(e, 2, 3, seconds(2), minutes(15)).delay, seconds(4));
    EXPECT_EQ(decide(e, 2, 3, seconds(2), seconds(3)).delay, seconds(3));  // capped
    auto last = decide(e, 3, 3, seconds(2), minutes(15));
    EXPECT_EQ(last.action, FailureDecision::Action::DeadLetter);
    EXPECT_EQ(last.cause, fmt::format("gave up after 3 attempts: {}: try again", to_string(kind)));
  }
}

TEST(FailurePolicy, DeadLettersAtOnceWhatRetryingCannotChange) {
  for (ErrorKind kind : {ErrorKind::InvalidInput, ErrorKind::Config, ErrorKind::Auth,
                         ErrorKind::NotFound, ErrorKind::Unsupported, ErrorKind::Internal}) {
    auto d = decide(Error(kind, "no"), 1, 3, seconds(2), minutes(15));
    EXPECT_EQ(d.action, FailureDecision::Action::DeadLetter) << to_string(kind);
    EXPECT_EQ(d.cause, fmt::format("{}: no", to_string(kind)));
  }
  // A Source failure that is final: an ended export.
  auto ended =
      decide(rds_export::ExportEnded("export x is FAILED: disk"), 1, 3, seconds(2), minutes(15));
  EXPECT_EQ(ended.action, FailureDecision::Action::DeadLetter);
  EXPECT_FALSE(ended.abandoned);
  auto abandoned =
      decide(rds_export::ExportAbandoned("export x was abandoned"), 1, 3, seconds(2), minutes(15));
  EXPECT_EQ(abandoned.action, FailureDecision::Action::DeadLetter);
  EXPECT_TRUE(abandoned.abandoned);
  // A wait that ran out keeps the message as first received for the dead letter.
  auto waited = decide(WaitExhausted("still creating after 9 checks", "{\"first\":1}"), 1, 3,
                       seconds(2), minutes(15));
  EXPECT_EQ(waited.action, FailureDecision::Action::DeadLetter);
  EXPECT_EQ(waited.body, "{\"first\":1}");
}

TEST(FailurePolicy, ABugIsInternal) {
  auto d = decide_internal(std::out_of_range("vector::at"));
  EXPECT_EQ(d.action, FailureDecision::Action::DeadLetter);
  EXPECT_EQ(d.cause, "internal: vector::at");
}

TEST(FailurePolicy, AMessageReceivedMoreOftenThanAllowedIsGivenUpBeforeItRuns) {
  EXPECT_FALSE(beyond_max_receives(1, 4));
  EXPECT_FALSE(beyond_max_receives(4, 4));
  auto d = beyond_max_receives(5, 4);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->action, FailureDecision::Action::DeadLetter);
  EXPECT_EQ(d->cause,
            "received 5 times without being handled (max_receives 4): the workers or Lambda "
            "invocations that took it crashed or ran out of time");
}

}  // namespace
}  // namespace snaplake::pipeline
