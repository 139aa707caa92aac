/** Vectors as SQLite BLOBs: little-endian float32, the layout of a Float32Array on every platform Trove ships for. */

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A stored BLOB back to a Float32Array (copied: SQLite's buffer may share a pool and be unaligned). */
export function blobToVector(blob: Uint8Array): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
