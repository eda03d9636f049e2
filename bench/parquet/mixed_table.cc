#include "mixed_table.h"

#include <fmt/format.h>

#include <array>

namespace snaplake::bench {
namespace {

// splitmix64: small, fast, and the same sequence everywhere (unlike std:: distributions).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }
  bool chance(uint32_t percent) { return below(100) < percent; }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 64> kWords = {
    "north",   "street",   "house",  "garden",  "council", "avenue", "school",  "park",
    "river",   "close",    "road",   "lane",    "green",   "hill",   "court",   "view",
    "care",    "service",  "plan",   "review",  "visit",   "family", "support", "team",
    "health",  "adult",    "child",  "home",    "day",     "centre", "social",  "worker",
    "case",    "record",   "note",   "update",  "contact", "phone",  "email",   "letter",
    "meeting", "referral", "assess", "need",    "risk",    "safe",   "local",   "area",
    "east",    "west",     "south",  "upper",   "lower",   "old",    "new",     "mill",
    "bridge",  "church",   "market", "station", "field",   "farm",   "wood",    "water",
};
constexpr std::array<std::string_view, 5> kChannels = {"web", "phone", "post", "visit", "email"};
constexpr std::array<std::string_view, 6> kTags = {"new",    "vip",    "review",
                                                   "closed", "urgent", "legacy"};

constexpr uint32_t kNullPercent = 5;
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kCreatedStart = 1'420'070'400 * kMicrosPerSecond;  // 2015-01-01T00:00:00Z
constexpr int32_t kDate1940 = -10957;                                // 1940-01-01
constexpr int32_t kDays1940To2010 = 25567;

std::string make_name(Random& random) {
  const size_t length = 20 + random.below(41);  // 20..60
  std::string text;
  while (text.size() < length) {
    if (!text.empty()) text.push_back(' ');
    text.append(kWords[random.below(kWords.size())]);
    if (random.chance(15)) text.append(std::to_string(random.below(200)));
  }
  text.resize(length);
  if (text.back() == ' ') text.back() = 's';
  return text;
}

std::string make_attributes(Random& random) {
  std::string json = fmt::format(R"({{"channel":"{}","score":{})",
                                 kChannels[random.below(kChannels.size())], random.below(100));
  if (random.chance(60)) {
    json += R"(,"tags":[)";
    const uint64_t tags = 1 + random.below(3);
    for (uint64_t t = 0; t < tags; ++t) {
      json += fmt::format(R"({}"{}")", t ? "," : "", kTags[random.below(kTags.size())]);
    }
    json += "]";
  }
  json += random.chance(50) ? R"(,"verified":true})" : R"(,"verified":false})";
  return json;
}

}  // namespace

MixedTable MixedTable::generate(size_t rows, uint64_t seed) {
  Random random(seed);
  MixedTable t;
  t.rows = rows;
  t.id.reserve(rows);
  t.quantity.reserve(rows);
  t.amount.reserve(rows);
  t.created_at.reserve(rows);
  t.birth_date.reserve(rows);
  t.active.reserve(rows);
  t.external_id.reserve(rows * 16);
  t.name.bytes.reserve(rows * 40);
  t.name.offsets.reserve(rows + 1);
  t.attributes.bytes.reserve(rows * 70);
  t.attributes.offsets.reserve(rows + 1);
  t.valid.assign(9, std::vector<uint8_t>(rows, 1));

  int64_t created = kCreatedStart;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 1; c < t.valid.size(); ++c) t.valid[c][r] = random.chance(kNullPercent) ? 0 : 1;

    t.id.push_back(static_cast<int64_t>(r) + 1);
    t.quantity.push_back(static_cast<int32_t>(random.below(10000)));
    const std::string name = make_name(random);
    t.name.push(name);
    // Mostly small amounts, a few large, some refunds.
    int64_t amount = static_cast<int64_t>(random.chance(90) ? random.below(1'000'000)
                                                            : random.below(100'000'000));
    if (random.chance(8)) amount = -amount;
    t.amount.push_back(amount);
    created += static_cast<int64_t>(random.below(300)) * kMicrosPerSecond +
               static_cast<int64_t>(random.below(1'000'000));
    t.created_at.push_back(created);
    t.birth_date.push_back(kDate1940 + static_cast<int32_t>(random.below(kDays1940To2010)));
    t.active.push_back(random.chance(70) ? 1 : 0);
    uint64_t high = random.next();
    uint64_t low = random.next();
    high = (high & ~0xf000ull) | 0x4000ull;            // version 4
    low = (low & ~(0xc0ull << 56)) | (0x80ull << 56);  // variant 10
    for (int b = 7; b >= 0; --b) t.external_id.push_back(static_cast<char>(high >> (8 * b)));
    for (int b = 7; b >= 0; --b) t.external_id.push_back(static_cast<char>(low >> (8 * b)));
    const std::string attributes = make_attributes(random);
    t.attributes.push(attributes);

    t.value_bytes += 8;
    if (t.valid[1][r]) t.value_bytes += 4;
    if (t.valid[2][r]) t.value_bytes += name.size();
    if (t.valid[3][r]) t.value_bytes += 8;
    if (t.valid[4][r]) t.value_bytes += 8;
    if (t.valid[5][r]) t.value_bytes += 4;
    if (t.valid[6][r]) t.value_bytes += 1;
    if (t.valid[7][r]) t.value_bytes += 16;
    if (t.valid[8][r]) t.value_bytes += attributes.size();
  }
  return t;
}

parquet::Schema mixed_table_schema() {
  using parquet::Column;
  using parquet::Logical;
  using parquet::Physical;
  using parquet::Repetition;
  auto column = [](std::string name, Physical physical, Logical logical = Logical::None) {
    Column c;
    c.name = std::move(name);
    c.physical = physical;
    c.logical = logical;
    c.repetition = Repetition::Optional;
    return c;
  };
  parquet::Schema schema;
  schema.push_back(column("id", Physical::Int64));
  schema.back().repetition = Repetition::Required;
  schema.push_back(column("quantity", Physical::Int32));
  schema.push_back(column("name", Physical::ByteArray, Logical::String));
  schema.push_back(column("amount", Physical::Int64, Logical::Decimal));
  schema.back().precision = 12;
  schema.back().scale = 2;
  schema.push_back(column("created_at", Physical::Int64, Logical::TimestampMicros));
  schema.back().utc_adjusted = true;
  schema.push_back(column("birth_date", Physical::Int32, Logical::Date));
  schema.push_back(column("active", Physical::Boolean));
  schema.push_back(column("external_id", Physical::FixedLenByteArray, Logical::Uuid));
  schema.back().type_length = 16;
  schema.push_back(column("attributes", Physical::ByteArray, Logical::Json));
  return schema;
}

}  // namespace snaplake::bench
