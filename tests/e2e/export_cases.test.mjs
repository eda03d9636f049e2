// Data-driven end-to-end tests of `snaplake export` (tests/e2e/export/<case>/, see its README):
// each case's setup.sql in a fresh database, exported with each profile, every table read back
// with DuckDB and compared value by value with PostgreSQL.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { catalogColumns, compareTable, expectedParquetType, footerTypes, listFiles, readExport } from './export_helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const casesDir = path.join(here, 'export');
const cases = readdirSync(casesDir).filter((d) => existsSync(path.join(casesDir, d, 'setup.sql')));

const codecInfix = { snappy: '.snappy', gzip: '.gz', zstd: '.zstd', none: '' };

for (const name of cases) {
  const spec = JSON.parse(readFileSync(path.join(casesDir, name, 'case.json'), 'utf8'));
  for (const profile of spec.profiles ?? ['rds']) {
    test(`export case ${name} (${profile})`, async () => {
      const pg = Postgres.shared();
      const db = `export_${name}`;
      pg.createDatabase(db);
      pg.psql(readFileSync(path.join(casesDir, name, 'setup.sql'), 'utf8'), db);

      const root = tempDir('export-');
      const id = `${name.replaceAll('_', '-')}-${profile}`;
      // A case's `overrides` ({ uuid: 'uuid', … }) become --type flags of its typed export.
      const overrideArgs = profile === 'typed' ? Object.entries(spec.overrides ?? {}).flatMap(([k, v]) => ['--type', `${k}=${v}`]) : [];
      const args = [...(spec.args ?? []), ...overrideArgs];
      const codec = args.includes('--compression') ? args[args.indexOf('--compression') + 1] : 'snappy';
      const r = snaplake(['export', '--source', pg.uriFor(db), '--to', root, '--export-id', id, '--types', profile, ...args]);
      assert.equal(r.status, 0, `snaplake export failed: ${r.stderr}`);

      const { info, tables, tablesFiles } = readExport(root, id);
      assert.equal(info.status, 'COMPLETE');
      assert.equal(info.exportTaskIdentifier, id);
      assert.match(info.snapshotTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.deepEqual(tablesFiles, [`export_tables_info_${id}_from_1_to_${tables.length}.json`]);

      // Exactly the expected tables (views, sequences, foreign tables, partitions absent).
      assert.deepEqual(Object.fromEntries(tables.map((t) => [t.target, t.status])), spec.tables);

      // Every file on disk is one the metadata lists (plus the two metadata files), and every
      // key stays inside the export folder with the RDS layout.
      const onDisk = listFiles(root);
      const listed = tables.flatMap((t) => t.tableStatistics.files.map((f) => f.key));
      assert.deepEqual(onDisk, [...listed, `${id}/export_info_${id}.json`, `${id}/${tablesFiles[0]}`].sort());
      const keyPattern = new RegExp(`^${id}/[^/]+/[^/]+/\\d+/part-\\d{5}-${id}-c000${codecInfix[codec].replace('.', '\\.')}\\.parquet$`);
      for (const key of listed) assert.match(key, keyPattern);
      const folders = tables.map((t) => t.snaplake.folder.toLowerCase());
      assert.equal(new Set(folders).size, folders.length, 'table folders are unique, case-insensitively');

      const warnings = spec.warnings?.[profile] ?? {};
      let rows = 0;
      for (const t of tables) {
        // target is db.schema.table with the original names; find schema/table from the catalog.
        const [schema, table, kind] = JSON.parse(pg.psql(
          `SELECT json_build_array(n.nspname, c.relname, c.relkind) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE '${db}' || '.' || n.nspname || '.' || c.relname = ${"'" + t.target.replaceAll("'", "''") + "'"} AND c.relkind IN ('r', 'p');`, db));
        const columns = catalogColumns(pg, db, schema, table);
        const overrides = profile === 'typed' ? spec.overrides ?? {} : {};
        // Names in the files: the original, or exportedColumnName for a renamed column.
        const mappings = t.schemaMetadata.originalTypeMappings;
        assert.deepEqual(mappings.map((m) => m.columnName), columns.map((c) => c.name));
        const fileNames = mappings.map((m) => m.exportedColumnName ?? m.columnName);
        assert.deepEqual(Object.fromEntries(mappings.filter((m) => m.exportedColumnName).map((m) => [m.columnName, m.exportedColumnName])),
          spec.renamed?.[t.target] ?? {}, `${t.target}: renamed columns`);
        const types = Object.fromEntries(columns.map((c, i) => [fileNames[i], expectedParquetType(profile, c, overrides)]));
        // What to compare with: a time as plain INT64 microseconds is TIME's value.
        const asTime = { ...overrides, time: overrides.time === 'micros' ? 'time' : overrides.time };
        const expect = Object.fromEntries(columns.map((c, i) => [fileNames[i], expectedParquetType(profile, c, asTime)]));
        const sources = Object.fromEntries(columns.map((c, i) => [fileNames[i], c.name]));

        const files = t.tableStatistics.files.map((f) => path.join(root, f.key));
        for (const [i, f] of t.tableStatistics.files.entries()) {
          assert.equal(statSync(files[i]).size, f.bytes, `${f.key}: size in export_tables_info`);
        }
        for (const file of files) assert.deepEqual(await footerTypes(file), types, `${t.target}: Parquet types`);
        const count = await compareTable(pg, { db, schema, table, kind, files, types: expect, sources, overrides });
        assert.equal(t.tableStatistics.rowCount, count, `${t.target}: rowCount`);
        assert.equal(t.tableStatistics.files.reduce((s, f) => s + f.rows, 0), count);
        rows += count;

        for (const text of warnings[t.target] ?? []) {
          assert.ok((t.warningMessage ?? '').includes(text), `${t.target}: warning '${text}' in '${t.warningMessage}'`);
        }
        if (!warnings[t.target]) assert.equal(t.warningMessage, undefined, `${t.target}: no warning`);
        if (spec.batches?.[t.target]) {
          const batches = new Set(t.tableStatistics.files.map((f) => f.key.split('/')[3]));
          assert.equal(batches.size, spec.batches[t.target], `${t.target}: batches`);
        }
        if (spec.minFiles?.[t.target]) assert.ok(files.length >= spec.minFiles[t.target], `${t.target}: split into ${files.length} files`);
      }
      assert.equal(info.snaplake.rowCount, rows);
    });
  }
}
