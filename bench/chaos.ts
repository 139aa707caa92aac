/**
 * `npm run bench:chaos [-- --rounds N --seed S --texts N --max-delay-ms MS --storm-creates N --storm-edits N
 * --storm-deletes N --storm-rename-dir N --race-files N --race-delay-ms MS --timeout-s S]`: kill -9 during
 * indexing, again and again, then a storm of changes under `trove watch`, then files deleted while their
 * batch is being embedded; the index is compared with the disk after each of the three phases.
 *
 * A real folder (the documents in test/fixtures/documents and SciFact abstracts as .txt files) is
 * indexed by the real CLI (`trove index`, the engine host) in a child process, with its real embedding
 * and document-reading processes. Each round kills, at a random moment while it is indexing, either the
 * host or the embedding process (the host then restarts it and goes on, until it too is killed), and
 * between rounds the folder changes as a person's would: new files, edits, deletions, renames. A last run
 * indexes to the end (phase "kill"). Then a real `trove watch` process on the folder sees a storm of creates,
 * edits, deletions and the rename of a directory, interleaved (phase "storm"); then a fresh `watch` sees a batch
 * of new files deleted while they are being embedded (phase "race", issue 12 item 1). Each watch phase waits
 * until the watcher reports idle and stays quiet, stops it with SIGTERM, then compares. From the database
 * file and the disk, summed over the phases (each phase's own figures under "phases"):
 *
 * - corrupt:     integrity_check failures, passages without vectors or files, files indexed without passages
 * - lost:        files on disk with no row (neither indexed nor listed as a problem)
 * - stale:       rows for files no longer on disk, or indexed with other content than the file has now
 * - duplicated:  paths stored more than once
 * - reembedded:  passages stored before a kill, of a file that did not change since, that are no longer
 *                the stored ones (their vectors were computed again)
 *
 * One JSON line on stdout; the story of each round on stderr. Only local processes and files. --timeout-s
 * bounds the whole run: past it every child is killed and the run fails (exit 1) without a JSON line.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseFlags } from '../src/cli/command';
import { docFileText, readBeir, type BeirDoc } from '../src/core/eval/beir';

const { flags } = parseFlags(process.argv.slice(2));
const rounds = Number(flags.get('rounds') ?? 10);
const textCount = Number(flags.get('texts') ?? 60);
/** Latest moment of a kill after the run has stored its first file (a random moment up to this). */
const maxDelayMs = Number(flags.get('max-delay-ms') ?? 8000);
const stormCreates = Number(flags.get('storm-creates') ?? 300);
const stormEdits = Number(flags.get('storm-edits') ?? 100);
const stormDeletes = Number(flags.get('storm-deletes') ?? 50);
/** Files in the directory that is renamed during the storm (indexed before the storm starts). */
const stormRenameDir = Number(flags.get('storm-rename-dir') ?? 50);
const raceFiles = Number(flags.get('race-files') ?? 64);
/** How long after the watcher starts indexing the race's files they are all deleted. */
const raceDelayMs = Number(flags.get('race-delay-ms') ?? 3000);
const timeoutS = Number(flags.get('timeout-s') ?? 3600);
let seed = Number(flags.get('seed') ?? Date.now() % 100_000);
const seedUsed = seed;
/** mulberry32: the same --seed gives the same kills and changes. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

const repo = join(import.meta.dirname, '..');
const SCIFACT = flags.get('scifact') ?? join(repo, '..', 'shared', 'eval', 'scifact');
const abstracts: BeirDoc[] = [...readBeir(SCIFACT).docs];
let nextAbstract = 4000; // far from the abstracts other tests and benchmarks use
const work = mkdtempSync(join(tmpdir(), 'trove-chaos-'));
const folder = join(work, 'docs');
const db = join(work, 'data', 'index.sqlite');
const log = (line: string) => process.stderr.write(`${line}\n`);

function addTexts(n: number, dir = join(folder, 'texts')): string[] {
  const added: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = abstracts[nextAbstract++ % abstracts.length];
    const p = join(dir, `${d.id}.txt`);
    writeFileSync(p, docFileText(d));
    added.push(p);
  }
  return added;
}

function filesOnDisk(dir = folder): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOnDisk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function childrenOf(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Every CLI process started, so the global timeout can end them (and their workers). */
const started = new Set<ChildProcess>();

/** The host: `trove index` (or `trove watch`) on the folder. */
function startHost(command: 'index' | 'watch' = 'index'): { child: ChildProcess; exited: Promise<number | null>; out: () => string; err: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command, folder, '--db', db], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, out: () => out, err: () => err };
}

function indexedCount(): number {
  if (!existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true });
    try {
      return (conn.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'indexed'").get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // being created
  }
}

interface Snapshot {
  /** chunk id → path, for every passage stored at the moment of a kill. */
  chunks: Map<number, string>;
}

function snapshot(): Snapshot {
  const chunks = new Map<number, string>();
  if (!existsSync(db)) return { chunks };
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare("SELECT c.id, f.path FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed'").all() as { id: number; path: string }[];
    for (const r of rows) chunks.set(r.id, r.path);
  } finally {
    conn.close();
  }
  return { chunks };
}

/** The folder changes between rounds: a few new files, edits, deletions and renames. Returns the paths whose content changed or left. */
function changeFolder(): Set<string> {
  const touched = new Set<string>();
  const texts = filesOnDisk(join(folder, 'texts'));
  addTexts(6 + Math.floor(random() * 6));
  for (let i = 0; i < 3 && texts.length; i++) {
    const p = pick(texts);
    writeFileSync(p, `${readFileSync(p, 'utf8')}\n\nEdited in chaos round: ${docFileText(abstracts[nextAbstract++ % abstracts.length])}`);
    touched.add(p);
  }
  for (let i = 0; i < 2 && texts.length; i++) {
    const p = pick(texts);
    if (!existsSync(p)) continue;
    unlinkSync(p);
    touched.add(p);
  }
  for (let i = 0; i < 2 && texts.length; i++) {
    const p = pick(texts);
    if (!existsSync(p)) continue;
    renameSync(p, p.replace(/\.txt$/, `-renamed-${Math.floor(random() * 1e6)}.txt`));
    touched.add(p);
  }
  return touched;
}

async function killRound(n: number): Promise<{ target: string; landed: boolean }> {
  const host = startHost();
  const target = n % 2 === 0 ? 'host' : 'embedding process';
  // Wait until this run has stored a file, so the kill lands while work is being kept (not while the model loads).
  const storedAtStart = indexedCount();
  let ended = false;
  void host.exited.then(() => (ended = true));
  while (!ended && indexedCount() <= storedAtStart) await sleep(200);
  if (ended) {
    log(`round ${n}: the host ended before storing anything (${host.err().trim().split('\n').at(-1) ?? ''})`);
    return { target, landed: false };
  }
  const delay = random() * maxDelayMs;
  const finished = await Promise.race([sleep(delay).then(() => false), host.exited.then(() => true)]);
  if (finished) {
    log(`round ${n}: indexing finished before the kill at ${(delay / 1000).toFixed(1)} s`);
    return { target, landed: false };
  }
  const workers = childrenOf(host.child.pid!);
  if (target === 'embedding process') {
    const embedder = workers.find((w) => w.cmd.includes('embed-worker'));
    if (embedder) process.kill(embedder.pid, 'SIGKILL');
    log(`round ${n}: kill -9 of the embedding process (pid ${embedder?.pid}) at ${(delay / 1000).toFixed(1)} s`);
    // The host restarts it and goes on; it is killed in turn a little later (or finishes).
    const more = 500 + random() * 3000;
    if (workers.length === 0) log(`round ${n}: the host had no child processes`);
    if (await Promise.race([sleep(more).then(() => false), host.exited.then(() => true)])) return { target, landed: true };
  }
  const before = childrenOf(host.child.pid!);
  host.child.kill('SIGKILL');
  await host.exited;
  log(`round ${n}: kill -9 of the host (pid ${host.child.pid})${target === 'host' ? ` at ${(delay / 1000).toFixed(1)} s` : ''}`);
  // Its embedding and reading processes must not outlive it; if they do, say so and end them.
  const until = Date.now() + 30_000;
  while (before.some((w) => alive(w.pid)) && Date.now() < until) await sleep(100);
  for (const w of before.filter((w) => alive(w.pid))) {
    log(`round ${n}: ${w.cmd} (pid ${w.pid}) outlived the host; killing it`);
    process.kill(w.pid, 'SIGKILL');
  }
  return { target, landed: true };
}

function compare(expected: Map<number, string>) {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string) => (conn.prepare(sql).get() as { n: number }).n;
    const integrity = conn.pragma('integrity_check', { simple: true }) === 'ok' ? 0 : 1;
    const corrupt =
      integrity +
      n('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id)') +
      n('SELECT COUNT(*) AS n FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)') +
      n('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id)') +
      n("SELECT COUNT(*) AS n FROM files f WHERE f.state = 'indexed' AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = f.id)");
    const duplicated = n('SELECT COUNT(*) - COUNT(DISTINCT path) AS n FROM files');
    const rows = conn.prepare('SELECT path, state, content_hash AS hash FROM files').all() as { path: string; state: string; hash: string | null }[];
    const byPath = new Map(rows.map((r) => [r.path, r]));
    const disk = filesOnDisk();
    const lost = disk.filter((p) => !byPath.has(p));
    const stale = rows.filter((r) => {
      if (!existsSync(r.path)) return true;
      return r.state === 'indexed' && r.hash !== createHash('sha256').update(readFileSync(r.path)).digest('hex');
    });
    const stored = new Set((conn.prepare('SELECT id FROM chunks').all() as { id: number }[]).map((r) => r.id));
    const reembedded = [...expected.keys()].filter((id) => !stored.has(id)).length;
    for (const p of lost) log(`lost: ${relative(folder, p)}`);
    for (const r of stale) log(`stale: ${relative(folder, r.path)}`);
    return { corrupt, lost: lost.length, stale: stale.length, duplicated, reembedded, files: disk.length, indexed: rows.filter((r) => r.state === 'indexed').length };
  } finally {
    conn.close();
  }
}

/** Quiet this long, with "idle" as the watcher's last word, counts as caught up (its debounce is 150 ms). */
const QUIET_MS = 3000;

type Host = ReturnType<typeof startHost>;

/** Until `watch` says idle and says nothing more for QUIET_MS (no change left to pick up). */
async function untilIdle(host: Host, phase: string): Promise<void> {
  let seen = host.err();
  let quietSince = Date.now();
  for (;;) {
    if (host.child.exitCode !== null || host.child.signalCode !== null) throw new Error(`${phase}: watch ended early:\n${host.err()}`);
    await sleep(250);
    const now = host.err();
    if (now !== seen) {
      seen = now;
      quietSince = Date.now();
      continue;
    }
    if (/(^|\n)idle: [^\n]*\n?$/.test(now) && Date.now() - quietSince >= QUIET_MS) return;
  }
}

/** SIGTERM, as a person stopping it; its workers must not outlive it. */
async function stopWatch(host: Host, phase: string): Promise<void> {
  const workers = childrenOf(host.child.pid!);
  const at = performance.now();
  host.child.kill('SIGTERM');
  const code = await host.exited;
  log(`${phase}: watch stopped by SIGTERM in ${((performance.now() - at) / 1000).toFixed(1)} s (exit ${code})`);
  const until = Date.now() + 10_000;
  while (workers.some((w) => alive(w.pid)) && Date.now() < until) await sleep(100);
  for (const w of workers.filter((w) => alive(w.pid))) {
    log(`${phase}: ${w.cmd} (pid ${w.pid}) outlived watch; killing it`);
    process.kill(w.pid, 'SIGKILL');
  }
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Creates, edits, deletions and one directory rename, interleaved, under a running `watch`. Returns the paths changed or gone. */
async function storm(): Promise<Set<string>> {
  const touched = new Set<string>();
  const moving = join(folder, 'moving');
  for (const p of filesOnDisk(moving)) touched.add(p);
  const texts = shuffle(filesOnDisk(join(folder, 'texts')));
  const deletes = texts.slice(0, stormDeletes);
  const editable = texts.slice(stormDeletes);
  const ops: (() => void)[] = [];
  for (let i = 0; i < stormCreates; i++) ops.push(() => void addTexts(1));
  const edits = editable.length ? stormEdits : 0;
  for (let i = 0; i < edits; i++) {
    const p = pick(editable);
    ops.push(() => {
      writeFileSync(p, `${readFileSync(p, 'utf8')}\n\nEdited in the storm: ${docFileText(abstracts[nextAbstract++ % abstracts.length]).slice(0, 400)}`);
      touched.add(p);
    });
  }
  for (const p of deletes) ops.push(() => (unlinkSync(p), touched.add(p)));
  if (stormRenameDir > 0) ops.push(() => renameSync(moving, join(folder, 'moved')));
  shuffle(ops);
  // In bursts with short pauses, so changes land while the watcher is already indexing the earlier ones.
  for (let i = 0; i < ops.length; i++) {
    ops[i]();
    if (i % 25 === 24) await sleep(20 + random() * 200);
  }
  log(`storm: ${stormCreates} creates, ${edits} edits, ${deletes.length} deletes, a ${stormRenameDir}-file directory renamed`);
  return touched;
}

/** New files deleted while their batch is being embedded by `watch`; none may stay indexed. Returns the paths. */
async function race(host: Host): Promise<Set<string>> {
  const dir = join(folder, 'race');
  mkdirSync(dir);
  const from = host.err().length;
  const added = addTexts(raceFiles, dir);
  // Timing from the watcher itself: the delay starts when it says it is indexing these files.
  while (!/indexing /.test(host.err().slice(from))) {
    if (host.child.exitCode !== null) throw new Error(`race: watch ended early:\n${host.err()}`);
    await sleep(50);
  }
  await sleep(raceDelayMs);
  const conn = new Database(db, { readonly: true });
  const indexedBefore = (conn.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'indexed' AND path LIKE ?").get(`${dir}/%`) as { n: number }).n;
  conn.close();
  for (const p of added) unlinkSync(p);
  log(`race: ${added.length} new files deleted ${raceDelayMs} ms after watch began indexing them (${indexedBefore} already stored, the rest queued or in flight)`);
  return new Set(added);
}

type Counts = ReturnType<typeof compare>;
const phases: Record<string, Omit<Counts, 'files' | 'indexed'>> = {};
function record(phase: string, result: Counts) {
  const { corrupt, lost, stale, duplicated, reembedded } = result;
  phases[phase] = { corrupt, lost, stale, duplicated, reembedded };
  log(`${phase}: ${result.files} files on disk, ${result.indexed} indexed; ${JSON.stringify(phases[phase])}`);
}

const timer = setTimeout(() => {
  log(`chaos: past --timeout-s ${timeoutS}; ending every process it started`);
  for (const c of started) {
    for (const w of childrenOf(c.pid!)) process.kill(w.pid, 'SIGKILL');
    c.kill('SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}, timeoutS * 1000);

const t0 = performance.now();
cpSync(join(repo, 'test', 'fixtures', 'documents'), folder, { recursive: true });
rmSync(join(folder, 'README.md'));
mkdirSync(join(folder, 'texts'));
addTexts(textCount);
log(`chaos: ${filesOnDisk().length} files in ${folder}, ${rounds} rounds, seed ${seedUsed}`);

// Passages stored at a kill, of files not changed since: they must still be the stored ones at the end.
const expected = new Map<number, string>();
const forget = (touched: Set<string>) => {
  for (const [id, path] of expected) if (touched.has(path)) expected.delete(id);
};
let landed = 0;
try {
  for (let r = 0; r < rounds; r++) {
    const round = await killRound(r);
    if (round.landed) landed++;
    for (const [id, path] of snapshot().chunks) expected.set(id, path);
    forget(changeFolder());
  }
  const last = startHost();
  const code = await last.exited;
  if (code !== 0) throw new Error(`the last index run failed (exit ${code}):\n${last.err()}`);
  const summary = JSON.parse(last.out().trim().split('\n').at(-1)!) as Record<string, number>;
  const killed = compare(expected);
  log(
    `after ${landed} kills that landed during indexing: ${killed.files} files on disk, ${killed.indexed} indexed, ` +
      `${summary.problems} listed as problems; the last run embedded ${summary.embedded} files and found ${summary.unchanged} unchanged; ` +
      `${expected.size} passages were stored at a kill and had to stay; ${((performance.now() - t0) / 1000).toFixed(0)} s so far`,
  );
  record('kill', killed);

  // Storm: the directory to be renamed is indexed by watch's own start, then everything happens at once.
  if (stormRenameDir > 0) {
    mkdirSync(join(folder, 'moving'));
    addTexts(stormRenameDir, join(folder, 'moving'));
  }
  let watch = startHost('watch');
  await untilIdle(watch, 'storm');
  const tStorm = performance.now();
  forget(await storm());
  await untilIdle(watch, 'storm');
  log(`storm: watch caught up ${((performance.now() - tStorm) / 1000).toFixed(0)} s after the storm began`);
  await stopWatch(watch, 'storm');
  record('storm', compare(expected));

  // The race: a fresh watch (its start finds nothing to do), then files deleted mid-embedding.
  watch = startHost('watch');
  await untilIdle(watch, 'race');
  forget(await race(watch));
  await untilIdle(watch, 'race');
  await stopWatch(watch, 'race');
  record('race', compare(expected));

  const total = { corrupt: 0, lost: 0, stale: 0, duplicated: 0, reembedded: 0 };
  for (const counts of Object.values(phases)) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += counts[k];
  log(`chaos: ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
  process.stdout.write(JSON.stringify({ rounds, ...total, phases }) + '\n');
} finally {
  clearTimeout(timer);
  for (const c of started) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
