// A multi-GB RDS-style export for the landing benchmark, made quickly: DuckDB writes one Parquet
// file of about 64 MB of incompressible-ish rows, which is then copied under RDS-style names into
// the batch folders of 4 tables (the landing stage copies bytes and reads footers; the content of
// each file does not matter, only that it is real Parquet with a real footer).
//
//   node bench/land/make_export.mjs <root> <gigabytes>   -> prints the export folder
import { copyFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { duckdbRun, makeRdsExport } from '../../tests/e2e/fixtures/rds_export/make_rds_export.mjs';

const [root, gbText = '2'] = process.argv.slice(2);
if (!root) throw new Error('usage: make_export.mjs <root> <gigabytes>');
const tables = ['clients', 'cases', 'notes', 'visits'].map((table) => ({
  schema: 'public', table, batches: [[{ from: 1, to: 10 }]],
}));
const exp = await makeRdsExport(root, { exportId: 'bench-export', database: 'socialcare', tables });

const seed = path.join(root, 'seed.snappy.parquet');
if (!existsSync(seed)) {
  await duckdbRun(`COPY (SELECT i::BIGINT AS id, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS payload,
                          random() AS score FROM range(0, 800000) t(i))
                   TO '${seed}' (FORMAT parquet, COMPRESSION snappy)`);
}
const fileBytes = statSync(seed).size;
const files = Math.ceil((Number(gbText) * 1024 ** 3) / fileBytes);
let n = 0;
for (let i = 0; i < files; i++) {
  const t = tables[i % tables.length];
  const folder = path.join(exp.dir, `socialcare/public.${t.table}/1`);
  copyFileSync(seed, path.join(folder, `part-${String(1000 + i).padStart(5, '0')}-bench.snappy.parquet`));
  n++;
}
console.log(JSON.stringify({ dir: exp.dir, files: n, fileBytes, totalBytes: n * fileBytes }));
