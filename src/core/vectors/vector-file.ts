/**
 * A VectorIndex saved beside its database, so start-up reads a million rows in one sequential pass
 * instead of re-quantising 1.5 GB of float32 BLOBs row by row.
 *
 * The database stays the truth. The file carries a stamp its owner derives from the database (a
 * counter that every vector write bumps in the same transaction); a file whose stamp differs, that is
 * shorter or longer than its header says, or whose checksum fails was left behind by a crash or a
 * change and is ignored — the owner rebuilds from the database and saves again. Saving writes a
 * temporary file, syncs it and renames it over the old one, so a kill -9 leaves the old file or the
 * new one, never half of either.
 *
 * A big index's graph (vector-graph.ts) is saved by usearch into its own file, named with a fresh id
 * that the header records: the graph is written and synced first, the header's file renamed over the
 * old one last, so the header never names a graph that is not whole. Older graph files are removed
 * after the rename. An index with a graph keeps no int8 codes, so none are saved.
 *
 * Layout (little-endian): 192-byte header — "TROVEVEC", version, dimension, rows, CRC-32 of the body,
 * scale, maxErr, maxNorm, flags (1: codes follow), graph file id and size, stamp — then ids (int32),
 * groups (int32), errors (float32), codes (int8, when flagged).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { VectorGraph } from './vector-graph';
import type { VectorIndexState } from './vector-index';

const MAGIC = 'TROVEVEC';
/** 3: graphs hold int8 codes scaled per row, compared by cosine (a version-2 graph held usearch's own codes). */
const VERSION = 3;
const HAS_CODES = 1;
const HEADER = 192;
const STAMP_BYTES = 64;

export interface SavedVectors {
  state: VectorIndexState;
  stamp: string;
}

/** Why a file could not be used (for the log: the caller rebuilds either way). */
export class VectorFileRejected extends Error {
  override name = 'VectorFileRejected';
}

/** The graph file a header names. */
const graphPath = (path: string, id: string) => `${path}.${id}.graph`;

export function saveVectors(path: string, state: VectorIndexState, stamp: string): void {
  const { dimension, rows } = state;
  const parts: ArrayBufferView[] = [state.ids.subarray(0, rows), state.groups.subarray(0, rows), state.errs.subarray(0, rows)];
  if (state.codes) parts.push(state.codes.subarray(0, rows * dimension));
  let graphId = '';
  let graphBytes = 0;
  if (state.graph) {
    graphId = randomBytes(8).toString('hex');
    const file = graphPath(path, graphId);
    state.graph.save(file);
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    graphBytes = statSync(file).size;
  }
  let crc = 0;
  for (const p of parts) crc = crc32(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), crc);
  const header = Buffer.alloc(HEADER);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(dimension, 12);
  header.writeUInt32LE(rows, 16);
  header.writeUInt32LE(crc, 20);
  header.writeDoubleLE(state.scale, 24);
  header.writeDoubleLE(state.maxErr, 32);
  header.writeDoubleLE(state.maxNorm, 40);
  header.writeUInt32LE(state.codes ? HAS_CODES : 0, 48);
  header.write(graphId, 52, 'latin1');
  header.writeDoubleLE(graphBytes, 68);
  const stampBytes = Buffer.from(stamp, 'utf8');
  if (stampBytes.length > STAMP_BYTES) throw new Error(`vector file stamp longer than ${STAMP_BYTES} bytes: ${stamp}`);
  stampBytes.copy(header, HEADER - STAMP_BYTES);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, header);
    for (const p of parts) writeSync(fd, new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // Graph files of earlier saves are no longer named by anything.
  const keep = graphId ? basename(graphPath(path, graphId)) : '';
  const prefix = `${basename(path)}.`;
  for (const f of readdirSync(dirname(path))) if (f.startsWith(prefix) && f.endsWith('.graph') && f !== keep) rmSync(join(dirname(path), f), { force: true });
}

/**
 * Read a saved index if its stamp is `stamp` and it is whole; throws VectorFileRejected (with the
 * reason) if not, or the fs error (ENOENT: never saved).
 */
export function loadVectors(path: string, stamp: string, dimension: number): VectorIndexState {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(HEADER);
    if (readSync(fd, header, 0, HEADER, 0) !== HEADER || header.toString('latin1', 0, 8) !== MAGIC) throw new VectorFileRejected('not a vector file');
    if (header.readUInt32LE(8) !== VERSION) throw new VectorFileRejected(`vector file version ${header.readUInt32LE(8)}`);
    const saved = header.toString('utf8', HEADER - STAMP_BYTES).replace(/\0+$/, '');
    if (saved !== stamp) throw new VectorFileRejected(`out of step with the database (file ${saved}, database ${stamp})`);
    if (header.readUInt32LE(12) !== dimension) throw new VectorFileRejected(`vectors of ${header.readUInt32LE(12)} dimensions, expected ${dimension}`);
    const rows = header.readUInt32LE(16);
    const hasCodes = (header.readUInt32LE(48) & HAS_CODES) !== 0;
    const graphId = header.toString('latin1', 52, 68).replace(/\0+$/, '');
    // Arrays sized to the rows read straight from the file (no copy): the int8 scan needs its codes
    // at offset 0 of their own buffer.
    const cap = Math.max(16, rows);
    const state: VectorIndexState = {
      dimension,
      rows,
      scale: header.readDoubleLE(24),
      maxErr: header.readDoubleLE(32),
      maxNorm: header.readDoubleLE(40),
      ids: new Int32Array(cap),
      groups: new Int32Array(cap),
      errs: new Float32Array(cap),
      codes: hasCodes ? new Int8Array(cap * dimension) : null,
      graph: null,
    };
    let at = HEADER;
    let crc = 0;
    for (const p of [state.ids, state.groups, state.errs, state.codes]) {
      if (!p) continue;
      const bytes = new Uint8Array(p.buffer, 0, (p.byteLength / cap) * rows);
      for (let done = 0; done < bytes.length; ) {
        const n = readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), at + done);
        if (n === 0) throw new VectorFileRejected(`truncated: ${at + done} bytes of ${HEADER + rows * (12 + (hasCodes ? dimension : 0))}`);
        done += n;
      }
      crc = crc32(bytes, crc);
      at += bytes.length;
    }
    if (readSync(fd, Buffer.alloc(1), 0, 1, at) !== 0) throw new VectorFileRejected('longer than its header says');
    if (crc !== header.readUInt32LE(20)) throw new VectorFileRejected('checksum mismatch');
    if (graphId) {
      const file = graphPath(path, graphId);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new VectorFileRejected('its graph file is missing');
      }
      if (size !== header.readDoubleLE(68)) throw new VectorFileRejected(`its graph file has ${size} bytes, not ${header.readDoubleLE(68)}`);
      state.graph = VectorGraph.load(file, dimension);
      if (state.graph.size !== rows) throw new VectorFileRejected(`its graph holds ${state.graph.size} rows, not ${rows}`);
    } else if (!hasCodes) throw new VectorFileRejected('neither codes nor a graph');
    return state;
  } finally {
    closeSync(fd);
  }
}

/** Forget a saved index (its database changed in a way the file cannot follow). */
export function removeVectors(path: string): void {
  rmSync(path, { force: true });
  const prefix = `${basename(path)}.`;
  for (const f of readdirSync(dirname(path))) if (f.startsWith(prefix) && f.endsWith('.graph')) rmSync(join(dirname(path), f), { force: true });
}
