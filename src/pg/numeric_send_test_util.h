// Test-only: builds numeric values in PostgreSQL's binary form (numeric_send), for the decoders
// (binary_values_test) and the text renderer (text_render_test).
#pragma once

#include <cstdint>
#include <vector>

namespace snaplake::pg::testing {

// numeric_send layout: ndigits, weight, sign, dscale, then base-10000 digits (all int16).
inline std::vector<uint8_t> numeric_send(int16_t weight, uint16_t sign, int16_t dscale,
                                         std::vector<int16_t> digits) {
  std::vector<uint8_t> out;
  auto put = [&](uint16_t v) {
    out.push_back(uint8_t(v >> 8));
    out.push_back(uint8_t(v));
  };
  put(uint16_t(digits.size()));
  put(uint16_t(weight));
  put(sign);
  put(uint16_t(dscale));
  for (int16_t d : digits) put(uint16_t(d));
  return out;
}

}  // namespace snaplake::pg::testing
