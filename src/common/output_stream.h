// A byte sink that is committed at the end: a local file renamed into place, an S3 multipart
// upload completed. The Parquet writer streams into one; the object stores hand them out.
#pragma once

#include <cstdint>
#include <span>

namespace snaplake {

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // Appends bytes. May block while earlier bytes are being sent (back-pressure).
  virtual void write(std::span<const uint8_t> bytes) = 0;
  // Makes everything written visible, atomically. After commit() the stream is closed.
  virtual void commit() = 0;
  // Discards everything written; nothing becomes visible. Safe to call more than once.
  virtual void abort() noexcept = 0;
  // Bytes written so far.
  virtual uint64_t position() const = 0;
};

// A stream that keeps nothing, only counts: to measure a writer without the file system.
class DiscardingStream final : public OutputStream {
 public:
  void write(std::span<const uint8_t> bytes) override { position_ += bytes.size(); }
  void commit() override {}
  void abort() noexcept override {}
  uint64_t position() const override { return position_; }

 private:
  uint64_t position_ = 0;
};

}  // namespace snaplake
