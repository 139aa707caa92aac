/**
 * Filling memory with a set's vectors from SQLite, when its saved file cannot be used: at once for a
 * small index, else a page of files at a time between other work, searches answered from what is
 * loaded so far.
 */
import type { VectorSets } from '../store/vector-sets';
import { blobToVector } from '../vectors/blob';
import type { VectorIndex } from '../vectors/vector-index';

/** Files read from SQLite per step of a background load (≈ 40 ms of work at 8 passages a file). */
const LOAD_PAGE_FILES = 500;

/** A load from SQLite under way in the background: passages loaded of how many. */
export interface BackgroundFill {
  done: number;
  total: number;
}

export interface FillOptions {
  /** From this many stored passages, fill in the background (unset: always at once). */
  backgroundFrom?: number;
  /** Whether this fill is still wanted (not replaced by a later load, the store still open); else it stops. */
  current: (fill: BackgroundFill) => boolean;
  /** A file whose vectors memory already holds as it should (written, moved or hidden while loading). */
  skip: (fileId: number) => boolean;
  /** Every vector is in; `fill` is the background fill that did it (null: at once). */
  done: (fill: BackgroundFill | null) => void;
}

/** Fill `index` with the vectors of `setId`. Returns the background fill (null: done before returning) and when it completes. */
export function fillFromDatabase(sets: VectorSets, setId: number, index: VectorIndex, options: FillOptions): { fill: BackgroundFill | null; ready: Promise<void> } {
  const total = options.backgroundFrom === undefined ? 0 : sets.count(setId);
  if (options.backgroundFrom === undefined || total < options.backgroundFrom) {
    // Only this set's vectors: files without them are embedded by the next scan, never mixed in.
    for (const { chunkId, fileId, vector } of sets.vectors(setId)) index.add(chunkId, blobToVector(vector), fileId);
    options.done(null);
    return { fill: null, ready: Promise.resolve() };
  }
  const fill = { done: 0, total };
  const ready = new Promise<void>((resolve, reject) => {
    let after = 0;
    const step = () => {
      if (!options.current(fill)) return resolve();
      try {
        const page = sets.page(setId, after, LOAD_PAGE_FILES);
        for (const [fileId, rows] of page.files) {
          if (options.skip(fileId)) continue;
          for (const r of rows) index.add(r.chunkId, blobToVector(r.vector), fileId);
          fill.done += rows.length;
        }
        after = page.last;
        if (page.files.size > 0 || page.more) return void setImmediate(step);
        options.done(fill);
        resolve();
      } catch (err) {
        reject(err);
      }
    };
    setImmediate(step);
  });
  return { fill, ready };
}
