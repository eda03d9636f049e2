// Whole binary-COPY tuples handed from the thread that reads a COPY stream to the threads that
// encode them (file_copy.h). A batch holds tuples in their wire form; batches pass through a
// bounded queue, so memory stays at `capacity` batches whatever the table size, and their
// buffers are recycled, so the memory is touched (page-faulted) once, not once per batch.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace snaplake::sources {

struct TupleBatch {
  std::vector<uint8_t> bytes;  // tuples as the COPY stream carries them (pg/copy_binary.h)
  uint64_t rows = 0;
};

class TupleBatchQueue {
 public:
  explicit TupleBatchQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // Producer: an empty batch to fill, recycled when one is free. Blocks while `capacity`
  // batches exist and none is free; nullptr once cancelled.
  std::unique_ptr<TupleBatch> take_empty() {
    std::unique_lock lock(mutex_);
    free_changed_.wait(lock,
                       [&] { return cancelled_ || !free_.empty() || allocated_ < capacity_; });
    if (cancelled_) return nullptr;
    if (!free_.empty()) {
      auto batch = std::move(free_.back());
      free_.pop_back();
      return batch;
    }
    ++allocated_;
    return std::make_unique<TupleBatch>();
  }

  // Producer: a filled batch for the consumers.
  void push(std::unique_ptr<TupleBatch> batch) {
    {
      std::lock_guard lock(mutex_);
      full_.push_back(std::move(batch));
    }
    full_changed_.notify_one();
  }

  // Producer: lets every consumer take batches; until then only consumer 0 does, so that a
  // small slice ends up in one file rather than in one per encoder.
  void open_to_all() {
    {
      std::lock_guard lock(mutex_);
      open_to_all_ = true;
    }
    full_changed_.notify_all();
  }

  // Producer: no more batches; consumers drain what is queued, then pop() returns nullptr.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    full_changed_.notify_all();
  }

  // Either side: stop now (something failed); every waiting call returns nullptr.
  void cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    full_changed_.notify_all();
    free_changed_.notify_all();
  }

  // Consumer `consumer` (0, 1, …): the next filled batch; nullptr once closed and drained, or
  // cancelled. Consumers but 0 wait for open_to_all() (or the end) first.
  std::unique_ptr<TupleBatch> pop(size_t consumer = 0) {
    std::unique_lock lock(mutex_);
    full_changed_.wait(lock, [&] {
      return cancelled_ || closed_ || (!full_.empty() && (consumer == 0 || open_to_all_));
    });
    if (cancelled_ || full_.empty() || (consumer != 0 && !open_to_all_)) return nullptr;
    auto batch = std::move(full_.front());
    full_.pop_front();
    return batch;
  }

  // Whether cancel() was called: a consumer whose pop() returned nullptr must then abandon its
  // work rather than finish it (the stream did not end, it broke).
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  // Consumer: a batch it has encoded, for the producer to fill again.
  void recycle(std::unique_ptr<TupleBatch> batch) {
    batch->bytes.clear();
    batch->rows = 0;
    {
      std::lock_guard lock(mutex_);
      free_.push_back(std::move(batch));
    }
    free_changed_.notify_one();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable full_changed_, free_changed_;
  std::deque<std::unique_ptr<TupleBatch>> full_;
  std::vector<std::unique_ptr<TupleBatch>> free_;
  size_t allocated_ = 0;
  bool closed_ = false;
  bool cancelled_ = false;
  bool open_to_all_ = false;
};

}  // namespace snaplake::sources
