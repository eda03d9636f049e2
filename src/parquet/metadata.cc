#include "parquet/metadata.h"

namespace snaplake::parquet {
namespace {

std::optional<ConvertedType> converted_type(const Column& c) {
  switch (c.logical) {
    case Logical::String:
      return ConvertedType::Utf8;
    case Logical::Json:
      return ConvertedType::Json;
    case Logical::Enum:
      return ConvertedType::Enum;
    case Logical::Decimal:
      return ConvertedType::Decimal;
    case Logical::Date:
      return ConvertedType::Date;
    // LogicalTypes.md: writers must annotate local (not UTC-adjusted) times and timestamps with
    // the legacy annotation too, for the libraries that always did so.
    case Logical::TimeMicros:
      return ConvertedType::TimeMicros;
    case Logical::TimestampMicros:
      return ConvertedType::TimestampMicros;
    case Logical::TimestampMillis:
      return ConvertedType::TimestampMillis;
    case Logical::Int16:
      return ConvertedType::Int16;
    case Logical::Uuid:  // UUID has no ConvertedType
    case Logical::None:
      return std::nullopt;
  }
  return std::nullopt;
}

// parquet.thrift `union LogicalType`: exactly one member struct is set.
void write_logical_type(ThriftWriter& w, const Column& c) {
  w.begin_field_struct(10);  // SchemaElement.logicalType
  switch (c.logical) {
    case Logical::String:  // 1: StringType
      w.begin_field_struct(1);
      w.end_struct();
      break;
    case Logical::Enum:  // 4: EnumType
      w.begin_field_struct(4);
      w.end_struct();
      break;
    case Logical::Decimal:  // 5: DecimalType { 1: scale, 2: precision }
      w.begin_field_struct(5);
      w.field_i32(1, c.scale);
      w.field_i32(2, c.precision);
      w.end_struct();
      break;
    case Logical::Date:  // 6: DateType
      w.begin_field_struct(6);
      w.end_struct();
      break;
    case Logical::TimeMicros:       // 7: TimeType { 1: isAdjustedToUTC, 2: unit }
    case Logical::TimestampMicros:  // 8: TimestampType { 1: isAdjustedToUTC, 2: unit }
    case Logical::TimestampMillis:
      w.begin_field_struct(c.logical == Logical::TimeMicros ? 7 : 8);
      w.field_bool(1, c.logical != Logical::TimeMicros && c.utc_adjusted);
      w.begin_field_struct(2);  // TimeUnit union: 1 MilliSeconds, 2 MicroSeconds
      w.begin_field_struct(c.logical == Logical::TimestampMillis ? 1 : 2);
      w.end_struct();
      w.end_struct();
      w.end_struct();
      break;
    case Logical::Int16:  // 10: IntType { 1: bitWidth (i8), 2: isSigned }
      w.begin_field_struct(10);
      w.field_i8(1, 16);
      w.field_bool(2, true);
      w.end_struct();
      break;
    case Logical::Json:  // 12: JsonType
      w.begin_field_struct(12);
      w.end_struct();
      break;
    case Logical::Uuid:  // 14: UUIDType
      w.begin_field_struct(14);
      w.end_struct();
      break;
    case Logical::None:
      break;
  }
  w.end_struct();
}

void write_column_metadata(ThriftWriter& w, const ColumnMetaData& m) {
  w.field_i32(1, static_cast<int32_t>(m.type));
  w.begin_field_list(2, ThriftType::I32, static_cast<uint32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w.element_i32(static_cast<int32_t>(e));
  w.begin_field_list(3, ThriftType::Binary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const auto& p : m.path_in_schema) w.element_binary(p);
  w.field_i32(4, static_cast<int32_t>(m.codec));
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.begin_field_struct(12);
    write_statistics(w, *m.statistics);
    w.end_struct();
  }
  if (!m.encoding_stats.empty()) {
    w.begin_field_list(13, ThriftType::Struct, static_cast<uint32_t>(m.encoding_stats.size()));
    for (const auto& s : m.encoding_stats) {
      w.begin_struct();
      w.field_i32(1, static_cast<int32_t>(s.page_type));
      w.field_i32(2, static_cast<int32_t>(s.encoding));
      w.field_i32(3, s.count);
      w.end_struct();
    }
  }
}

void write_row_group(ThriftWriter& w, const RowGroup& rg) {
  w.begin_field_list(1, ThriftType::Struct, static_cast<uint32_t>(rg.columns.size()));
  for (const auto& chunk : rg.columns) {
    w.begin_struct();
    w.field_i64(2, chunk.file_offset);
    w.begin_field_struct(3);
    write_column_metadata(w, chunk.meta_data);
    w.end_struct();
    w.end_struct();
  }
  w.field_i64(2, rg.total_byte_size);
  w.field_i64(3, rg.num_rows);
  w.field_i64(5, rg.file_offset);
  w.field_i64(6, rg.total_compressed_size);
  if (rg.ordinal) w.field_i16(7, *rg.ordinal);
}

}  // namespace

void write_statistics(ThriftWriter& w, const Statistics& s) {
  if (s.max) w.field_binary(1, *s.max);
  if (s.min) w.field_binary(2, *s.min);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  if (s.is_max_value_exact) w.field_bool(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.field_bool(8, *s.is_min_value_exact);
}

void write_schema_element(ThriftWriter& w, const Column& c) {
  w.field_i32(1, static_cast<int32_t>(c.physical));
  if (c.physical == Physical::FixedLenByteArray) w.field_i32(2, c.type_length);
  // A LIST's element is always OPTIONAL: PostgreSQL arrays may hold NULLs.
  w.field_i32(3, static_cast<int32_t>(c.list ? Repetition::Optional : c.repetition));
  w.field_binary(4, c.list ? std::string_view(kListElementName) : std::string_view(c.name));
  if (auto converted = converted_type(c)) w.field_i32(6, static_cast<int32_t>(*converted));
  if (c.logical == Logical::Decimal) {
    w.field_i32(7, c.scale);
    w.field_i32(8, c.precision);
  }
  if (c.logical != Logical::None) write_logical_type(w, c);
}

size_t schema_element_count(const Column& c) {
  return c.list ? 3 : 1;
}

std::vector<std::string> leaf_path(const Column& c) {
  if (!c.list) return {c.name};
  return {c.name, kListGroupName, kListElementName};
}

void write_schema_elements(ThriftWriter& w, const Column& c) {
  if (c.list) {
    // LogicalTypes.md, "Lists": the outer group carries the LIST annotation (the legacy
    // converted type too, for readers that predate LogicalType) and the list's repetition.
    w.begin_struct();
    w.field_i32(3, static_cast<int32_t>(c.repetition));
    w.field_binary(4, c.name);
    w.field_i32(5, 1);  // num_children
    w.field_i32(6, static_cast<int32_t>(ConvertedType::List));
    w.begin_field_struct(10);  // logicalType
    w.begin_field_struct(3);   // 3: ListType
    w.end_struct();
    w.end_struct();
    w.end_struct();
    // The middle level must be a repeated group named "list" with one child.
    w.begin_struct();
    w.field_i32(3, static_cast<int32_t>(Repetition::Repeated));
    w.field_binary(4, kListGroupName);
    w.field_i32(5, 1);
    w.end_struct();
  }
  w.begin_struct();
  write_schema_element(w, c);
  w.end_struct();
}

void write_page_header(ByteBuffer& out, const PageHeader& h) {
  ThriftWriter w(out);
  w.begin_struct();
  w.field_i32(1, static_cast<int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.data_page) {
    w.begin_field_struct(5);
    w.field_i32(1, h.data_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.data_page->encoding));
    w.field_i32(3, static_cast<int32_t>(h.data_page->definition_level_encoding));
    w.field_i32(4, static_cast<int32_t>(h.data_page->repetition_level_encoding));
    w.end_struct();
  }
  if (h.dictionary_page) {
    w.begin_field_struct(7);
    w.field_i32(1, h.dictionary_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w.end_struct();
  }
  w.end_struct();
}

void write_file_metadata(ByteBuffer& out, const FileMetaData& m) {
  const Schema& schema = *m.schema;
  ThriftWriter w(out);
  w.begin_struct();
  w.field_i32(1, m.version);
  // The schema is the depth-first flattening of the tree: the root group first (name and
  // num_children only, as parquet-mr writes it), then each column's elements.
  size_t elements = 1;
  for (const Column& c : schema) elements += schema_element_count(c);
  w.begin_field_list(2, ThriftType::Struct, static_cast<uint32_t>(elements));
  w.begin_struct();
  w.field_binary(4, "schema");
  w.field_i32(5, static_cast<int32_t>(schema.size()));
  w.end_struct();
  for (const Column& c : schema) write_schema_elements(w, c);
  w.field_i64(3, m.num_rows);
  w.begin_field_list(4, ThriftType::Struct, static_cast<uint32_t>(m.row_groups.size()));
  for (const RowGroup& rg : m.row_groups) {
    w.begin_struct();
    write_row_group(w, rg);
    w.end_struct();
  }
  if (!m.key_value_metadata.empty()) {
    w.begin_field_list(5, ThriftType::Struct, static_cast<uint32_t>(m.key_value_metadata.size()));
    for (const auto& [key, value] : m.key_value_metadata) {
      w.begin_struct();
      w.field_binary(1, key);
      w.field_binary(2, value);
      w.end_struct();
    }
  }
  w.field_binary(6, m.created_by);
  // column_orders: TYPE_ORDER (union member 1, the empty TypeDefinedOrder) for every leaf, so
  // readers trust min_value/max_value as ordered by each column's logical type.
  w.begin_field_list(7, ThriftType::Struct, static_cast<uint32_t>(schema.size()));
  for (size_t i = 0; i < schema.size(); ++i) {
    w.begin_struct();
    w.begin_field_struct(1);
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
}

}  // namespace snaplake::parquet
