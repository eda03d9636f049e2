// Writes the same rows as snaplake's export with DuckDB (zstd) and prints "<bytes> <rows>":
//   node duckdb_zstd.mjs <output.parquet> <snaplake part files…>
import { statSync } from 'node:fs';

import { duckdb } from '../../tests/harness/readers.mjs';

const [out, ...inputs] = process.argv.slice(2);
const c = await duckdb();
const list = inputs.map((f) => `'${f}'`).join(', ');
await c.run(`COPY (SELECT * FROM read_parquet([${list}])) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
const rows = (await c.runAndReadAll(`SELECT count(*)::BIGINT FROM read_parquet('${out}')`)).getRows()[0][0];
console.log(`${statSync(out).size} ${rows}`);
