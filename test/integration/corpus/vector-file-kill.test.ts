/**
 * kill -9 while the vector file is being written or is out of date: whatever moment the process dies,
 * the next open searches exactly what SQLite holds — from the file when it is current, rebuilt from
 * SQLite when not — never a mix. A real child process writing a real SQLite file, really killed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Corpus } from '../../../src/core/corpus/corpus';
import { IndexStore } from '../../../src/core/store/index-store';

/** The store a test opened the corpus on (Corpus keeps it private): to close it without saving, as a killed process would. */
const storeOf = (c: Corpus) => (c as unknown as { store: IndexStore }).store;

const DIM = 16;
const KEY = { modelId: 'test-model', dimension: DIM, pipelineVersion: 1 };
const dir = mkdtempSync(join(tmpdir(), 'trove-vecfile-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const writer = join(import.meta.dirname, 'fixtures', 'corpus-writer.ts');

let seed = 99;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
const queries = Array.from({ length: 15 }, () => {
  const v = Float32Array.from({ length: DIM }, rand);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
});
// Every passage with its exact score: the whole content compared, not just what a graph finds first.
const ranked = (c: Corpus) => queries.map((q) => c.nearestPassages(q, 1_000_000).map((h) => `${h.chunkId}:${h.score.toFixed(6)}`));

/**
 * Run the writer until it has saved `saves` times, then SIGKILL it: `delayMs` later (in its pause after
 * that save: the file current), or — with `afterWrite` — as soon as it says it wrote after that save
 * (SQLite ahead of the file: it must be rebuilt). A random delay alone missed the stale case in some runs.
 */
async function writeThenKill(db: string, first: number, saves: number, delayMs: number, afterWrite: boolean): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, db, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, signal) => r(signal)));
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.startsWith('saved')) seen++;
        else if (seen >= saves && afterWrite && line.startsWith('wrote')) resolve();
      }
      if (seen >= saves && !afterWrite) resolve();
    });
    child.once('exit', () => reject(new Error(`writer exited early: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}

test('kill -9 at random moments of writing and saving: the next open searches exactly what SQLite holds', async () => {
  const db = join(dir, 'index.sqlite');
  const seen = new Set<string>();
  for (let round = 0; round < 6; round++) {
    // Even rounds kill during the writer's pause after a save (file current), odd ones while it writes
    // (0–1 ms after a write that followed the save).
    await writeThenKill(db, round * 1000, 3 + round * 4, round % 2 === 0 ? 0 : Math.floor(rand() * 2), round % 2 === 1);
    const opened = Corpus.open(new IndexStore(db), KEY, { graphFrom: 200 });
    seen.add(`${opened.loaded.from}${opened.searchIndex.graph === 'ready' ? ' with graph' : ''}`);
    const live = ranked(opened);
    const size = opened.size;
    storeOf(opened).close();
    // The truth: memory rebuilt from SQLite alone.
    for (const f of readdirSync(dir)) if (f.includes('.vectors')) rmSync(join(dir, f));
    const rebuilt = Corpus.open(new IndexStore(db), KEY, { graphFrom: 200 });
    assert.equal(rebuilt.loaded.from, 'database');
    assert.equal(size, rebuilt.size, `round ${round}: passages`);
    assert.deepEqual(live, ranked(rebuilt), `round ${round}: ranking`);
    rebuilt.close();
    storeOf(rebuilt).close();
  }
  // The rounds reached both ways of opening (the file current at the kill, and stale).
  assert.ok(seen.has('database') && seen.size >= 2, [...seen].join(', '));
  console.log(`opened: ${[...seen].join(', ')}`);
});
