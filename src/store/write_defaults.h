// A store whose every write carries default WriteOptions: the one place where an export's
// SSE-KMS key ([export] kms_key_id, `snaplake export --kms-key-id`) reaches every object it
// writes — Parquet parts, export_info (through the claim's conditional writes),
// export_tables_info and every marker — whichever code writes them, without each writer having
// to remember it. A write that names its own option keeps it; the others get the default.
// Reads, lists and removals pass through unchanged.
#pragma once

#include <memory>

#include "store/object_store.h"

namespace snaplake::store {

std::unique_ptr<ObjectStore> with_write_defaults(std::unique_ptr<ObjectStore> inner,
                                                 WriteOptions defaults);

// `options` with the empty fields taken from `defaults`.
WriteOptions merged(const WriteOptions& options, const WriteOptions& defaults);

}  // namespace snaplake::store
