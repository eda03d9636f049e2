// The conformance suite every Queue backend runs (as Arrow runs one FileSystem suite on every
// backend). A backend registers a factory with INSTANTIATE_TEST_SUITE_P(…, QueueConformance, …).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "queue/queue.h"

namespace snaplake::queue {

struct QueueBackend {
  std::string name;
  // A fresh, empty queue (a new name each call) that dead-letters after max_receives receives;
  // nullptr to skip (e.g. no emulator configured).
  std::function<std::unique_ptr<Queue>(int max_receives)> make;
  // A second handle on the same queue as `queue`, as another process would open it.
  std::function<std::unique_ptr<Queue>(Queue& queue)> reopen;
};

// Test names and failure messages show the backend by name, not as raw bytes.
inline void PrintTo(const QueueBackend& backend, std::ostream* out) {
  *out << backend.name;
}

class QueueConformance : public ::testing::TestWithParam<QueueBackend> {};

}  // namespace snaplake::queue
