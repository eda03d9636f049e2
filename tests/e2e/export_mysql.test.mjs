// `snaplake export --source mysql://…` against the harness's MariaDB 10.11: the RDS layout and
// metadata (the consistency mode and binlog position in export_info, originalTypeMappings in
// export_tables_info), every type family of issue 13 read back by DuckDB, hyparquet and
// parquet-wasm and compared with the server's values, partitions as batches, --only in RDS's
// MySQL form, non-transactional tables, consistency across tables with --jobs 3 (as a user with
// RELOAD and one without), and the failures: wrong password, unreachable server, missing
// database, a connection killed mid-table, a table the user may not read.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { duckdbQuery, readDuckDB, readHyparquet, readParquetWasm } from '../harness/readers.mjs';
import { Mariadb, snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { adapt, names, readerType, serverRows, setup, spec } from '../mysql/every_type.mjs';
import { listFiles, readExport } from './export_helpers.mjs';

const lastLine = (s) => s.trim().split('\n').at(-1);

function runAsync(args, env = process.env) {
  const child = spawn(snaplakeBin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The one file of a table's batch (the test tables are small: one part each).
function batchFile(root, tables, target, batch = 1) {
  const files = tables.find((t) => t.target === target).tableStatistics.files
    .filter((f) => f.key.split('/').at(-2) === String(batch));
  assert.equal(files.length, 1, `${target} batch ${batch}: ${JSON.stringify(files)}`);
  return path.join(root, files[0].key);
}

for (const profile of ['rds', 'typed']) {
  test(`every MySQL type family (${profile}) is exported in the RDS layout and reads back as the server's values`, async () => {
    const db = Mariadb.shared();
    const database = `snaplake_export_types_${profile}`;
    const uri = db.createDatabase(database);
    db.sql(setup, database);
    const root = tempDir('mysql-export-');
    const r = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'types', '--types', profile]);
    assert.equal(r.status, 0, r.stderr);
    const { info, tables } = readExport(root, 'types');
    assert.equal(info.status, 'COMPLETE');
    assert.equal(info.snaplake.source, 'mysql');
    assert.equal(info.snaplake.databases.length, 1);
    const consistency = info.snaplake.databases[0].consistency;
    assert.match(consistency.mode, /^(BACKUP_STAGE|FTWRL)$/); // root has RELOAD
    assert.ok(consistency.binlog.file.length > 0, JSON.stringify(consistency));
    assert.ok(consistency.binlog.position > 0);
    assert.equal(info.snaplake.databases[0].snapshotId, `${consistency.binlog.file}:${consistency.binlog.position}`);
    // RDS's MySQL layout: <id>/<db>/<db>.<table>/<batch>/part-….
    assert.deepEqual(tables.map((t) => t.target), [`${database}.every_type`]);
    const table = tables[0];
    assert.equal(table.status, 'COMPLETE');
    assert.equal(table.tableStatistics.rowCount, 6);
    const file = batchFile(root, tables, `${database}.every_type`);
    assert.ok(file.startsWith(path.join(root, 'types', database, `${database}.every_type`, '1', 'part-00000-types-c000')), file);

    const mappings = Object.fromEntries(table.schemaMetadata.originalTypeMappings.map((m) => [m.columnName, m]));
    assert.deepEqual(Object.keys(mappings), names);
    assert.equal(mappings.biu.originalType, 'bigint unsigned');
    assert.equal(mappings.biu.expectedExportedType, 'fixed_len_byte_array (DECIMAL(20,0))');
    assert.equal(mappings.js.originalType, 'longtext');
    assert.equal(mappings.ts.expectedExportedType, 'int64 (TIMESTAMP_MICROS, UTC)');
    assert.equal(mappings.vc.originalCharMaxLength, 50);
    assert.equal(mappings.tx.originalCharMaxLength, 65535);
    assert.equal(mappings.d65.originalNumPrecision, 65);
    assert.equal(mappings.dtm3.originalDateTimePrecision, 3);
    // The one rule: zero dates and dates with zero parts are NULL, counted in the table's
    // warningMessage (TIME is text in both profiles by default, so every TIME value is kept).
    assert.match(table.warningMessage, /column 'dtm3': 2 value\(s\) the Parquet type cannot hold \(zero dates/);
    assert.match(table.warningMessage, /column 'ts': 1 value\(s\)/);
    assert.doesNotMatch(table.warningMessage, /column 'tm'/);

    const expected = serverRows(db, database, profile);
    for (const [readerName, read] of [['duckdb', readDuckDB], ['hyparquet', readHyparquet], ['parquet-wasm', readParquetWasm]]) {
      const got = await read(file);
      assert.deepEqual(got.columns.map((c) => c.name), names, readerName);
      for (let k = 0; k < names.length; k++) {
        assert.equal(got.columns[k].type, readerType(spec(names[k], profile)[0], readerName), `${readerName}: type of ${names[k]}`);
      }
      const rows = [...got.rows].sort((a, b) => a[0] - b[0]);
      assert.equal(rows.length, expected.length);
      for (let row = 0; row < rows.length; row++) {
        for (let k = 0; k < names.length; k++) {
          const want = expected[row][k];
          const have = adapt(spec(names[k], profile)[0], readerName, rows[row][k]);
          const where = `${readerName}: row id=${expected[row][0]}, column ${names[k]} (${profile})`;
          if (typeof want === 'number' && typeof have === 'number') assert.ok(Object.is(have, want), `${where}: ${have} != ${want}`);
          else assert.deepEqual(have, want, where);
        }
      }
    }
  });
}

test('the typed overrides apply to MySQL: TIME as text by default, micros or TIME; TIMESTAMP(MILLIS); MariaDB\'s UUID as UUID', async () => {
  const db = Mariadb.shared();
  const database = 'snaplake_export_overrides';
  const uri = db.createDatabase(database);
  db.sql(`
    CREATE TABLE t (id INT PRIMARY KEY, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL, u UUID);
    INSERT INTO t VALUES
      (1, '-838:59:59', '1969-12-31 23:59:59.999500', '1970-01-01 00:00:01.000999', '0123abcd-45ef-6789-abcd-ef0123456789'),
      (2, '12:34:56.789', '2024-02-29 13:14:15.123456', '2038-01-19 03:14:07.999999', 'ffffffff-0000-1111-2222-333333333333'),
      (3, '24:00:00', '2000-01-01 00:00:00', NULL, NULL),
      (4, NULL, NULL, NULL, NULL);`, database);
  const file = (root) => {
    const { tables } = readExport(root, 'o');
    return { table: tables[0], path: batchFile(root, tables, `${database}.t`) };
  };
  const exportWith = (args) => {
    const root = tempDir('mysql-overrides-');
    const r = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'o', '--types', 'typed', ...args]);
    assert.equal(r.status, 0, r.stderr);
    return { root, ...file(root), info: readExport(root, 'o').info };
  };
  const types = (table) => Object.fromEntries(table.schemaMetadata.originalTypeMappings.map((m) => [m.columnName, m.expectedExportedType]));
  const query = async (path, select) => (await duckdbQuery(`SELECT ${select} FROM read_parquet('${path}') ORDER BY id`)).rows;
  // The server's own values, to compare with.
  const server = (expr) => db.sql(`SELECT ${expr} FROM t ORDER BY id`, database).trimEnd().split('\n').map((v) => (v === 'NULL' ? null : v));

  // Defaults: TIME as the server's text (durations kept), TIMESTAMP(MICROS), UUID as text.
  const plain = exportWith([]);
  assert.deepEqual(types(plain.table), { id: 'int32', tm: 'binary (UTF8)', dtm: 'int64 (TIMESTAMP_MICROS)', ts: 'int64 (TIMESTAMP_MICROS, UTC)', u: 'binary (UTF8)' });
  assert.deepEqual(plain.info.snaplake.typeOverrides, { uuid: 'string', time: 'string', timestamp: 'micros' });
  assert.deepEqual((await query(plain.path, 'tm, u')).map((r) => r.map((v) => v ?? null)),
    server('CAST(tm AS CHAR), CAST(u AS CHAR)').map((line) => (line === null ? [null, null] : line.split('\t').map((v) => (v === 'NULL' ? null : v)))));
  assert.doesNotMatch(plain.table.warningMessage ?? '', /column 'tm'/);

  // time=micros, timestamp=millis, uuid=uuid.
  const over = exportWith(['--type', 'time=micros', '--type', 'timestamp=millis', '--type', 'uuid=uuid']);
  assert.deepEqual(types(over.table), { id: 'int32', tm: 'int64', dtm: 'int64 (TIMESTAMP_MILLIS)', ts: 'int64 (TIMESTAMP_MILLIS, UTC)', u: 'fixed_len_byte_array(16) (UUID)' });
  assert.deepEqual(over.info.snaplake.typeOverrides, { uuid: 'uuid', time: 'micros', timestamp: 'millis' });
  const got = await query(over.path, 'tm::VARCHAR, epoch_ms(dtm)::VARCHAR, epoch_ms(ts)::VARCHAR, u::VARCHAR');
  assert.deepEqual(got, [
    [String(-3020399n * 1000000n), '-1', '1000', '0123abcd-45ef-6789-abcd-ef0123456789'],  // floored: .9995 -> .999
    [String((12n * 3600n + 34n * 60n + 56n) * 1000000n + 789000n), '1709212455123', '2147483647999', 'ffffffff-0000-1111-2222-333333333333'],
    [String(24n * 3600n * 1000000n), '946684800000', null, null],
    [null, null, null, null],
  ]);
  // The file's own schema says it (DuckDB's parquet_schema: the footer as written).
  const schema = Object.fromEntries((await duckdbQuery(`SELECT name, type, converted_type, logical_type::VARCHAR FROM parquet_schema('${over.path}')`)).rows
    .map(([name, ...rest]) => [name, rest]));
  assert.equal(schema.tm[1], null, `tm: ${schema.tm}`);  // plain INT64, no logical type
  assert.equal(schema.dtm[1], 'TIMESTAMP_MILLIS', `dtm: ${schema.dtm}`);
  assert.deepEqual(schema.u.slice(0, 1), ['FIXED_LEN_BYTE_ARRAY']);
  assert.match(String(schema.u[2]), /UUID/i, `u: ${schema.u}`);
  assert.doesNotMatch(over.table.warningMessage ?? '', /column 'tm'/);

  // time=time: TIME(MICROS), a time of day only; the others NULL and counted.
  const tod = exportWith(['--type', 'time=time']);
  assert.equal(types(tod.table).tm, 'int64 (TIME_MICROS)');
  assert.deepEqual((await query(tod.path, 'tm::VARCHAR')).map((r) => r[0]), [null, '12:34:56.789', null, null]);
  assert.match(tod.table.warningMessage, /column 'tm': 2 value\(s\) the Parquet type cannot hold/);
});

test('partitions are batches, --only takes RDS\'s MySQL form, non-transactional tables are read under the lock with a warning', async () => {
  const db = Mariadb.shared();
  const database = 'snaplake_export_shapes';
  const uri = db.createDatabase(database);
  db.sql(`
    CREATE TABLE parts (id INT PRIMARY KEY, v VARCHAR(10)) PARTITION BY RANGE (id)
      (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20), PARTITION p2 VALUES LESS THAN MAXVALUE);
    INSERT INTO parts VALUES (1, 'a'), (2, 'b'), (15, 'c'), (25, 'd'), (26, 'e'), (27, 'f');
    CREATE TABLE old_fulltext (id INT PRIMARY KEY, body TEXT, FULLTEXT (body)) ENGINE = MyISAM;
    INSERT INTO old_fulltext VALUES (1, 'hello world'), (2, 'bye');
    CREATE TABLE \`dots.and/slashes\` (id INT);
    INSERT INTO \`dots.and/slashes\` VALUES (7);
    CREATE VIEW not_exported AS SELECT id FROM parts;`, database);
  const root = tempDir('mysql-export-');
  const all = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'shapes', '--jobs', '3']);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stderr, new RegExp(`non-transactional table\\(s\\) ${database}\\.old_fulltext \\(MyISAM\\): read first, while the (BACKUP_STAGE|FTWRL) lock`));
  const { tables } = readExport(root, 'shapes');
  assert.deepEqual(tables.map((t) => t.target).sort(),
    [`${database}.dots.and/slashes`, `${database}.old_fulltext`, `${database}.parts`]);
  for (const [batch, ids] of [[1, [1, 2]], [2, [15]], [3, [25, 26, 27]]]) {
    const got = await duckdbQuery(`SELECT list(id ORDER BY id) FROM read_parquet('${batchFile(root, tables, `${database}.parts`, batch)}')`);
    assert.deepEqual(got.rows[0][0], ids, `batch ${batch}`);
  }
  const fulltext = await duckdbQuery(`SELECT count(*)::int FROM read_parquet('${batchFile(root, tables, `${database}.old_fulltext`)}')`);
  assert.deepEqual(fulltext.rows[0], [2]);
  // A hostile name's folder follows the exporter's rules; the target keeps the name.
  assert.ok(batchFile(root, tables, `${database}.dots.and/slashes`).includes(`/${database}.dots.and_slashes/1/`));

  const one = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'only', '--only', `${database}.parts`]);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(readExport(root, 'only').tables.map((t) => t.target), [`${database}.parts`]);
  assert.deepEqual(readExport(root, 'only').info.exportOnly, [`${database}.parts`]);
  const quoted = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'quoted', '--only', `${database}.\`dots.and/slashes\``]);
  assert.equal(quoted.status, 0, quoted.stderr);
  assert.deepEqual(readExport(root, 'quoted').tables.map((t) => t.target), [`${database}.dots.and/slashes`]);
  const none = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'none', '--only', `${database}.nope`]);
  assert.equal(none.status, 8, none.stderr);
  assert.match(lastLine(none.stderr), new RegExp(`--only '${database}\\.nope' names no table`));
  const pgForm = snaplake(['export', '--source', uri, '--to', root, '--export-id', 'pgform', '--only', `${database}.public.parts`]);
  assert.equal(pgForm.status, 2, pgForm.stderr);
});

// A writer commits one row to each of three tables per transaction until told to stop; an
// export read at one point in time has the same ids in all three, 1..n without a gap, and none
// of the rows committed after it.
async function consistentAcrossTables(user, expectedMode) {
  const db = Mariadb.shared();
  const database = `snaplake_export_consistency_${user}`;
  const uri = db.createDatabase(database);
  db.sql(`
    CREATE TABLE a (id INT PRIMARY KEY, pad VARCHAR(200));
    CREATE TABLE b (id INT PRIMARY KEY, pad VARCHAR(200));
    CREATE TABLE c (id INT PRIMARY KEY, pad VARCHAR(200));
    CREATE TABLE ctl (stop INT);
    INSERT INTO ctl VALUES (0);
    INSERT INTO a SELECT seq, REPEAT('x', 200) FROM seq_1_to_100000;
    INSERT INTO b SELECT seq, REPEAT('y', 200) FROM seq_1_to_100000;
    INSERT INTO c SELECT seq, REPEAT('z', 200) FROM seq_1_to_100000;
    CREATE PROCEDURE writer()
    BEGIN
      DECLARE i INT DEFAULT 100001;
      WHILE (SELECT stop FROM ctl) = 0 DO
        START TRANSACTION;
        INSERT INTO a VALUES (i, 'w'); INSERT INTO b VALUES (i, 'w'); INSERT INTO c VALUES (i, 'w');
        COMMIT;
        SET i = i + 1;
      END WHILE;
    END;`.replace('CREATE PROCEDURE', 'DELIMITER //\nCREATE PROCEDURE').replace(/END;$/, 'END //\nDELIMITER ;'), database);
  let source = uri;
  if (user !== 'root') {
    // No RELOAD (nor SUPER, nor REPLICATION CLIENT): what an RDS master user cannot do either.
    db.sql(`DROP USER IF EXISTS '${user}'@'127.0.0.1'; CREATE USER '${user}'@'127.0.0.1';
            GRANT SELECT, LOCK TABLES ON \`${database}\`.* TO '${user}'@'127.0.0.1';`);
    source = db.uriFor(database, user);
  }
  const writer = spawn('mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(db.port), '-u', 'root', database, '-e', 'CALL writer()'], { stdio: 'ignore' });
  const writerDone = new Promise((r) => writer.on('close', r));
  try {
    while (Number(db.sql('SELECT COUNT(*) FROM a', database).trim()) < 100100) await sleep(20);
    const root = tempDir('mysql-export-');
    const r = await runAsync(['export', '--source', source, '--to', root, '--export-id', 'consistent', '--jobs', '3']);
    assert.equal(r.status, 0, r.stderr);
    const { info, tables } = readExport(root, 'consistent');
    assert.equal(info.snaplake.databases[0].consistency.mode, expectedMode);
    await sleep(200); // the writer goes on committing after the export's point in time
    const counts = {};
    for (const t of ['a', 'b', 'c']) {
      const got = await duckdbQuery(`SELECT count(*)::int, min(id)::int, max(id)::int, count(DISTINCT id)::int FROM read_parquet('${batchFile(root, tables, `${database}.${t}`)}')`);
      counts[t] = got.rows[0];
    }
    const [n] = counts.a;
    assert.ok(n > 100100, `the export saw the writer's rows (${n})`);
    for (const t of ['a', 'b', 'c']) assert.deepEqual(counts[t], [n, 1, n, n], `table ${t}: ${counts[t]}`);
    const after = Number(db.sql('SELECT COUNT(*) FROM a', database).trim());
    assert.ok(after > n, `rows committed after the export's point in time (${after}) are not in it (${n})`);
  } finally {
    db.sql('UPDATE ctl SET stop = 1', database);
    await writerDone;
  }
}

test('rows committed during the export do not appear; --jobs 3 reads every table at one point in time (a user with RELOAD)', async () => {
  await consistentAcrossTables('root', 'BACKUP_STAGE');
});

test('rows committed during the export do not appear; --jobs 3 reads every table at one point in time (a user without RELOAD)', async () => {
  await consistentAcrossTables('snaplake_plain', 'LOCK_TABLES');
});

test('a wrong password is exit 7 and never shown; the right one from MYSQL_PWD exports; an unreadable table is SKIPPED', () => {
  const db = Mariadb.shared();
  const database = 'snaplake_export_auth';
  db.createDatabase(database);
  db.sql(`CREATE TABLE readable (id INT); INSERT INTO readable VALUES (1), (2);
          CREATE TABLE secret (id INT); INSERT INTO secret VALUES (3);
          DROP USER IF EXISTS 'snaplake_partial'@'127.0.0.1';
          CREATE USER 'snaplake_partial'@'127.0.0.1' IDENTIFIED BY 'partial-pw-123';
          GRANT LOCK TABLES ON \`${database}\`.* TO 'snaplake_partial'@'127.0.0.1';
          GRANT SELECT ON \`${database}\`.readable TO 'snaplake_partial'@'127.0.0.1';
          GRANT INSERT ON \`${database}\`.secret TO 'snaplake_partial'@'127.0.0.1';`, database);
  const source = db.uriFor(database, 'snaplake_partial');
  const root = tempDir('mysql-export-');
  const wrong = snaplake(['export', '--source', source, '--to', root, '--export-id', 'auth'], { env: { ...process.env, MYSQL_PWD: 'not-the-password-xyz' } });
  assert.equal(wrong.status, 7, wrong.stderr);
  assert.match(lastLine(wrong.stderr), /Access denied for user 'snaplake_partial'/);
  assert.ok(!wrong.stderr.includes('not-the-password-xyz'));
  assert.equal(readExport(root, 'auth').info.status, 'FAILED');

  const right = snaplake(['export', '--source', source, '--to', root, '--export-id', 'auth'], { env: { ...process.env, MYSQL_PWD: 'partial-pw-123' } });
  assert.equal(right.status, 0, right.stderr);
  assert.ok(!right.stderr.includes('partial-pw-123'));
  assert.match(right.stderr, new RegExp(`${database}\\.secret: skipped: permission denied`));
  const { info, tables } = readExport(root, 'auth');
  assert.equal(info.status, 'COMPLETE');
  const byTarget = Object.fromEntries(tables.map((t) => [t.target, t]));
  assert.equal(byTarget[`${database}.readable`].status, 'COMPLETE');
  assert.equal(byTarget[`${database}.readable`].tableStatistics.rowCount, 2);
  assert.equal(byTarget[`${database}.secret`].status, 'SKIPPED');
  assert.match(byTarget[`${database}.secret`].warningMessage, /permission denied/);
  assert.ok(!listFiles(root).some((f) => f.includes(`${database}.secret/`)));
});

test('an unreachable server is exit 6 and a missing database exit 8, each export FAILED', () => {
  const db = Mariadb.shared();
  const root = tempDir('mysql-export-');
  const unreachable = snaplake(['export', '--source', 'mysql://root@127.0.0.1:1/x', '--to', root, '--export-id', 'unreachable']);
  assert.equal(unreachable.status, 6, unreachable.stderr);
  assert.match(lastLine(unreachable.stderr), /^snaplake: .*127\.0\.0\.1/);
  assert.equal(readExport(root, 'unreachable').info.status, 'FAILED');
  const missing = snaplake(['export', '--source', db.uriFor('snaplake_no_such_db'), '--to', root, '--export-id', 'missing']);
  assert.equal(missing.status, 8, missing.stderr);
  assert.match(lastLine(missing.stderr), /Unknown database 'snaplake_no_such_db'/);
  assert.equal(readExport(root, 'missing').info.status, 'FAILED');
});

test('a connection killed mid-table fails the export with its cause and leaves nothing partial', async () => {
  const db = Mariadb.shared();
  const database = 'snaplake_export_killed';
  const uri = db.createDatabase(database);
  db.sql(`CREATE TABLE a_big (id INT PRIMARY KEY, s VARCHAR(64));
          INSERT INTO a_big SELECT seq, MD5(seq) FROM seq_1_to_1500000;
          CREATE TABLE b_small (id INT); INSERT INTO b_small VALUES (1);`, database);
  const root = tempDir('mysql-export-');
  const running = runAsync(['export', '--source', uri, '--to', root, '--export-id', 'killed', '--jobs', '1']);
  let id = '';
  for (let i = 0; i < 2000 && !id; i++) {
    // The reader's SELECT of the rows (not the catalog's LIMIT 0 probe, nor this query itself).
    id = db.sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()
                 AND INFO LIKE 'SELECT % FROM \`${database}\`.\`a_big\`' LIMIT 1`).trim();
    if (!id) await sleep(10);
  }
  assert.ok(id, 'the reader was seen reading a_big');
  db.sql(`KILL ${id}`);
  const r = await running;
  assert.equal(r.status, 6, r.stderr);
  assert.match(lastLine(r.stderr), /a_big/);
  const failed = readExport(root, 'killed');
  assert.equal(failed.info.status, 'FAILED');
  assert.match(failed.info.failureCause, /a_big/);
  assert.match(failed.info.failureCause, /(Lost connection|server has gone away|killed|interrupted)/i);
  assert.deepEqual(listFiles(root), ['killed/export_info_killed.json']);
});
