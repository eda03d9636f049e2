#include "sources/tuple_batches.h"

#include <gtest/gtest.h>

#include <thread>

namespace snaplake::sources {
namespace {

std::unique_ptr<TupleBatch> filled(TupleBatchQueue& q, uint8_t byte) {
  auto b = q.take_empty();
  b->bytes.assign(3, byte);
  b->rows = 1;
  return b;
}

TEST(TupleBatchQueue, OnlyTheFirstConsumerTakesBatchesUntilOpenedToAll) {
  TupleBatchQueue q(4);
  q.push(filled(q, 1));
  q.push(filled(q, 2));
  q.close();
  // A small slice: consumer 1 never gets a batch, consumer 0 gets them all, in order.
  EXPECT_EQ(q.pop(1), nullptr);
  auto a = q.pop(0);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->bytes[0], 1);
  EXPECT_EQ(q.pop(0)->bytes[0], 2);
  EXPECT_EQ(q.pop(0), nullptr);
}

TEST(TupleBatchQueue, OpenedToAllEveryConsumerTakesBatches) {
  TupleBatchQueue q(4);
  q.push(filled(q, 1));
  q.open_to_all();
  auto b = q.pop(1);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->bytes[0], 1);
  q.close();
  EXPECT_EQ(q.pop(1), nullptr);
}

TEST(TupleBatchQueue, BatchesAreRecycledAndBounded) {
  TupleBatchQueue q(2);
  auto first = q.take_empty();
  auto second = q.take_empty();
  const TupleBatch* address = first.get();
  // Both exist: the producer waits for one to come back, here from another thread.
  std::thread consumer([&] { q.recycle(std::move(first)); });
  auto third = q.take_empty();
  consumer.join();
  EXPECT_EQ(third.get(), address);  // the same buffer, emptied
  EXPECT_TRUE(third->bytes.empty());
  q.cancel();
  EXPECT_EQ(q.take_empty(), nullptr);
  EXPECT_EQ(q.pop(0), nullptr);
}

}  // namespace
}  // namespace snaplake::sources
