#include "pg/binary_values.h"

#include <algorithm>

#include "common/error.h"

namespace snaplake::pg::binary {

namespace {
// numeric.c: NUMERIC_POS 0x0000, NUMERIC_NEG 0x4000, NUMERIC_NAN 0xC000, NUMERIC_PINF 0xD000,
// NUMERIC_NINF 0xF000.
constexpr uint16_t kPos = 0x0000, kNeg = 0x4000, kNaN = 0xC000, kPinf = 0xD000, kNinf = 0xF000;
constexpr parquet::Int128 kMax38 = [] {
  parquet::Int128 v = 1;
  for (int i = 0; i < 38; ++i) v *= 10;
  return v;
}();
}  // namespace

Numeric numeric_unscaled(const uint8_t* p, int32_t length, int32_t scale) {
  if (length < 8) fail(ErrorKind::Source, "malformed binary numeric ({} bytes)", length);
  int ndigits = int2(p);
  int weight = int2(p + 2);
  uint16_t sign = be16(p + 4);
  if (sign == kNaN) return {NumericKind::NaN, 0};
  if (sign == kPinf) return {NumericKind::PosInfinity, 0};
  if (sign == kNinf) return {NumericKind::NegInfinity, 0};
  if (sign != kPos && sign != kNeg) fail(ErrorKind::Source, "malformed binary numeric sign");
  if (ndigits < 0 || length < 8 + 2 * ndigits) {
    fail(ErrorKind::Source, "malformed binary numeric ({} digits in {} bytes)", ndigits, length);
  }
  // value = sum(digit[i] * 10000^(weight - i)); unscaled = value * 10^scale. Walk the decimal
  // exponents: digit i contributes digit * 10^(4*(weight-i) + scale).
  parquet::Int128 unscaled = 0;
  for (int i = 0; i < ndigits; ++i) {
    int digit = int2(p + 8 + 2 * i);
    int exponent = 4 * (weight - i) + scale;
    if (exponent < -3) break;  // wholly beyond the scale
    parquet::Int128 term = digit;
    if (exponent >= 0) {
      for (int e = 0; e < exponent; ++e) {
        term *= 10;
        if (term >= kMax38) return {NumericKind::TooLarge, 0};
      }
    } else {
      for (int e = 0; e < -exponent; ++e) term /= 10;
    }
    unscaled += term;
    if (unscaled >= kMax38) return {NumericKind::TooLarge, 0};
  }
  return {NumericKind::Finite, sign == kNeg ? -unscaled : unscaled};
}

ArrayReader::ArrayReader(const uint8_t* p, int32_t length) : p_(p), end_(p + length) {
  // MAXDIM is 6 (utils/array.h): array_recv refuses more.
  constexpr int32_t kMaxDimensions = 6;
  if (length < 12) fail(ErrorKind::Source, "malformed binary array ({} bytes)", length);
  ndim_ = int4(p_);
  const int32_t flags = int4(p_ + 4);
  if (ndim_ < 0 || ndim_ > kMaxDimensions || (flags & ~1) != 0)
    fail(ErrorKind::Source, "malformed binary array header (ndim {}, flags {})", ndim_, flags);
  p_ += 12;
  if (end_ - p_ < 8 * ndim_)
    fail(ErrorKind::Source, "malformed binary array ({} dimensions in {} bytes)", ndim_, length);
  count_ = ndim_ == 0 ? 0 : 1;
  for (int32_t d = 0; d < ndim_; ++d) {
    const int32_t size = int4(p_ + 8 * d);
    if (size < 0) fail(ErrorKind::Source, "malformed binary array (dimension of {})", size);
    count_ *= static_cast<uint64_t>(size);
    // Each element takes at least its 4-byte length: a count beyond that is malformed.
    if (count_ > static_cast<uint64_t>(length) / 4)
      fail(ErrorKind::Source, "malformed binary array ({} elements in {} bytes)", count_, length);
  }
  p_ += 8 * ndim_;
}

bool ArrayReader::next(Element& element) {
  if (read_ == count_) {
    if (p_ != end_)
      fail(ErrorKind::Source, "malformed binary array ({} bytes after its {} elements)", end_ - p_,
           count_);
    return false;
  }
  if (end_ - p_ < 4) fail(ErrorKind::Source, "malformed binary array (element {} cut)", read_);
  element.length = int4(p_);
  p_ += 4;
  if (element.length < -1 || end_ - p_ < std::max(element.length, 0))
    fail(ErrorKind::Source, "malformed binary array (element {} of {} bytes)", read_,
         element.length);
  element.data = p_;
  if (element.length > 0) p_ += element.length;
  ++read_;
  return true;
}

}  // namespace snaplake::pg::binary
