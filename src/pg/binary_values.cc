#include "pg/binary_values.h"

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

}  // namespace snaplake::pg::binary
