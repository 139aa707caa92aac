/**
 * The process that holds the index in bench:scale (bench/scale.ts starts it): opens the database and
 * the saved vector file as the app does at start, answers every query read from stdin (float32 rows),
 * and prints its timings, the ids found and its memory as one JSON object.
 *
 * Usage: scale-holder.ts <db> <vector file> <stamp> <dimension> <k>
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { loadVectors } from '../src/core/vectors/vector-file';
import { sqliteFloatRows } from '../src/core/vectors/sqlite-float-rows';
import { VectorIndex } from '../src/core/vectors/vector-index';

const [dbPath, vecPath, stamp, dim, kArg] = process.argv.slice(2);
const d = Number(dim);
const k = Number(kArg);
const input = readFileSync(0);
const queries = new Float32Array(input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength));

// Start-to-searchable: from opening the database to the first answered query (modules already loaded).
const t0 = performance.now();
const db = new Database(dbPath, { readonly: true });
const index = VectorIndex.fromState(loadVectors(vecPath, stamp, d), sqliteFloatRows(db, 'SELECT vector FROM vectors WHERE id = ?', d));
index.search(queries.subarray(0, d), k);
const startSeconds = (performance.now() - t0) / 1000;

const times: number[] = [];
const cpuTimes: number[] = [];
const ids: number[][] = [];
for (let q = 0; q < queries.length / d; q++) {
  const query = queries.subarray(q * d, (q + 1) * d);
  const c = process.cpuUsage();
  const t = performance.now();
  const hits = index.search(query, k);
  times.push(performance.now() - t);
  const u = process.cpuUsage(c);
  cpuTimes.push((u.user + u.system) / 1000);
  ids.push(hits.map((h) => h.id));
}
const mb = (b: number) => Math.round(b / 1024 / 1024);
process.stdout.write(
  JSON.stringify({ startSeconds, times, cpuTimes, ids, rssMB: mb(process.memoryUsage().rss), peakRssMB: mb(process.resourceUsage().maxRSS * 1024) }),
);
db.close();
