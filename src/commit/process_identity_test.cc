#include "commit/process_identity.h"

#include <gtest/gtest.h>

#include "commit/test_util.h"

namespace snaplake::commit {
namespace {

TEST(ProcessIdentity, CurrentIsRunningOnThisMachine) {
  const auto& me = ProcessIdentity::current();
  EXPECT_EQ(me.pid, ::getpid());
  EXPECT_FALSE(me.host.empty());
  EXPECT_FALSE(me.boot_id.empty());
  EXPECT_TRUE(me.pid_namespace.starts_with("pid:[")) << me.pid_namespace;
  EXPECT_GT(me.start_ticks, 0u);
  EXPECT_TRUE(me.same_machine_as(me));
  EXPECT_TRUE(me.is_running());
}

TEST(ProcessIdentity, ExitedProcessIsNotRunning) {
  EXPECT_FALSE(testing::exited_process().is_running());
}

TEST(ProcessIdentity, ReusedPidIsAnotherProcess) {
  ProcessIdentity p = ProcessIdentity::current();
  p.start_ticks += 1;  // the same pid, started at another time: not the holder
  EXPECT_FALSE(p.is_running());
}

TEST(ProcessIdentity, OtherHostOrNamespaceIsAnotherMachine) {
  ProcessIdentity p = ProcessIdentity::current();
  p.host = "elsewhere";
  EXPECT_FALSE(p.same_machine_as(ProcessIdentity::current()));
  p = ProcessIdentity::current();
  p.pid_namespace = "pid:[1]";  // a container on the same kernel
  EXPECT_FALSE(p.same_machine_as(ProcessIdentity::current()));
}

TEST(ProcessIdentity, JsonRoundTrip) {
  const auto& me = ProcessIdentity::current();
  auto back = ProcessIdentity::from_json(me.to_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pid, me.pid);
  EXPECT_EQ(back->start_ticks, me.start_ticks);
  EXPECT_TRUE(back->same_machine_as(me));
  EXPECT_FALSE(ProcessIdentity::from_json(nlohmann::json::array()));
  EXPECT_FALSE(ProcessIdentity::from_json({{"pid", "not a number"}}));
}

}  // namespace
}  // namespace snaplake::commit
