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
 * Layout (little-endian): 128-byte header — "TROVEVEC", version, dimension, rows, scale, maxErr,
 * maxNorm, CRC-32 of the body, stamp — then ids (int32), groups (int32), errors (float32), codes (int8).
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { VectorIndexState } from './vector-index';

const MAGIC = 'TROVEVEC';
const VERSION = 1;
const HEADER = 128;
const STAMP_BYTES = 64;

export interface SavedVectors {
  state: VectorIndexState;
  stamp: string;
}

/** Why a file could not be used (for the log: the caller rebuilds either way). */
export class VectorFileRejected extends Error {
  override name = 'VectorFileRejected';
}

export function saveVectors(path: string, state: VectorIndexState, stamp: string): void {
  const { dimension, rows } = state;
  const parts = [state.ids.subarray(0, rows), state.groups.subarray(0, rows), state.errs.subarray(0, rows), state.codes.subarray(0, rows * dimension)];
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
      codes: new Int8Array(cap * dimension),
    };
    let at = HEADER;
    let crc = 0;
    for (const p of [state.ids, state.groups, state.errs, state.codes]) {
      const bytes = new Uint8Array(p.buffer, 0, (p.byteLength / cap) * rows);
      for (let done = 0; done < bytes.length; ) {
        const n = readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), at + done);
        if (n === 0) throw new VectorFileRejected(`truncated: ${at + done} bytes of ${HEADER + rows * (12 + dimension)}`);
        done += n;
      }
      crc = crc32(bytes, crc);
      at += bytes.length;
    }
    if (readSync(fd, Buffer.alloc(1), 0, 1, at) !== 0) throw new VectorFileRejected('longer than its header says');
    if (crc !== header.readUInt32LE(20)) throw new VectorFileRejected('checksum mismatch');
    return state;
  } finally {
    closeSync(fd);
  }
}

/** Forget a saved index (its database changed in a way the file cannot follow). */
export function removeVectors(path: string): void {
  rmSync(path, { force: true });
}
