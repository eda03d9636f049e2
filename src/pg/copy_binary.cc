#include "pg/copy_binary.h"

#include "common/error.h"

namespace snaplake::pg {

namespace {
constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
}

size_t CopyBinaryDecoder::parse_header(std::span<const uint8_t> buf) {
  if (buf.size() < 19) return 0;
  if (std::memcmp(buf.data(), kSignature, sizeof kSignature) != 0) {
    fail_malformed("missing the PGCOPY signature");
  }
  uint32_t flags = be32(buf.data() + 11);
  // Bit 16 says OIDs are included; bits 0-15 are reserved for format-breaking changes and must be
  // rejected when set (docs: "a reader should abort if it finds an unexpected bit set").
  if ((flags & 0xffffu) != 0 || (flags & (1u << 16)) != 0) {
    fail_malformed("unexpected header flags");
  }
  uint32_t extension = be32(buf.data() + 15);
  if (buf.size() < 19 + static_cast<size_t>(extension)) return 0;
  header_seen_ = true;
  return 19 + extension;
}

void CopyBinaryDecoder::finish() const {
  if (!header_seen_) fail_malformed("the stream ended before its header");
  if (!carry_.empty()) fail_malformed("the stream ended inside a tuple");
  if (!trailer_seen_) fail_malformed("the stream ended without its trailer");
}

void CopyBinaryDecoder::fail_malformed(const char* what) {
  fail(ErrorKind::Source, "malformed binary COPY data: {}", what);
}

void CopyBinaryDecoder::fail_field_count(int count) const {
  fail(ErrorKind::Source, "malformed binary COPY data: a tuple has {} fields, expected {}", count,
       columns_);
}

}  // namespace snaplake::pg
