/**
 * A change of model interrupted under Trove before index schema 4 left its vectors in a staging file beside the
 * index (`<index>.reembed-<set>.sqlite`): read them so they are taken in rather than embedded again.
 */
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Hands the staging file's vectors for `setId` of the index in `dbFile` to `take`, then deletes the file (nothing when there is none or it cannot be read). */
export function takeLegacyStaging(dbFile: string, setId: number, take: (rows: { chunkId: number; vector: Float32Array }[]) => void): void {
  const staging = `${dbFile}.reembed-${setId}.sqlite`;
  if (!dbFile || !existsSync(staging)) return;
  const stage = new Database(staging, { readonly: true });
  try {
    const rows = (stage.prepare('SELECT chunk_id AS chunkId, vector FROM pending').all() as Array<{ chunkId: number; vector: Buffer }>).map((r) => ({
      chunkId: r.chunkId,
      vector: new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)),
    }));
    take(rows);
  } catch {
    // An unreadable staging file only costs re-embedding its passages.
  } finally {
    stage.close();
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(staging + suffix, { force: true });
}
