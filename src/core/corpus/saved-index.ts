/**
 * The in-memory index saved beside the database (one file per embedding set), so the next start reads
 * one file instead of every vector row. The file is trusted only when its stamp is the set's stamp in
 * SQLite; it is saved a few seconds after writes settle, and only while memory equals SQLite (nothing
 * hidden, no load under way, nobody else wrote the set since this process loaded it). Corpus is its
 * one user: it creates, reads and deletes these files and nobody else does.
 */
import type { VectorSets } from '../store/vector-sets';
import { loadVectors, removeVectors, saveVectors, VectorFileRejected } from '../vectors/vector-file';
import type { VectorIndex, VectorIndexState } from '../vectors/vector-index';

/** Save the in-memory index this long after the last write (a burst of writes saves once). */
const SAVE_AFTER_MS = 15_000;

/** What the saved file is kept in step with: the set in memory, its index, and whether memory equals SQLite now. */
export interface InMemorySet {
  setId(): number;
  index(): VectorIndex;
  equalsStore(): boolean;
}

export class SavedIndex {
  /** The stamp after this process's own last write, and the stamp of the file on disk. */
  private stamps = { written: '', saved: '' };
  /** Someone else wrote this set since it was loaded (a CLI on the same file): never save memory over it. */
  private diverged = false;
  /** Whether the file on disk holds the graph (a big index's graph finishing is worth a save of its own). */
  private savedGraph = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sets: VectorSets,
    private readonly memory: InMemorySet,
  ) {}

  /** A set is being loaded: the saved file's index when it holds exactly what SQLite holds, else why it cannot be used. */
  read(setId: number, dimension: number): { state: VectorIndexState } | { reason: string } {
    const file = this.sets.vectorFile(setId);
    const stamp = this.sets.stamp(setId);
    this.diverged = false;
    this.stamps = { written: stamp, saved: '' };
    if (!file) return { reason: 'an in-memory database' };
    try {
      const state = loadVectors(file, stamp, dimension);
      this.stamps.saved = stamp;
      this.savedGraph = state.graph !== null;
      return { state };
    } catch (err) {
      if (err instanceof VectorFileRejected) return { reason: err.message };
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'not saved yet' };
      throw err;
    }
  }

  /**
   * Save the in-memory index beside the database if it changed since the last save and equals what
   * SQLite holds. Returns whether the file on disk is now current.
   */
  persist(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const setId = this.memory.setId();
    const file = this.sets.vectorFile(setId);
    if (!file || this.diverged || !this.memory.equalsStore()) return false;
    const stamp = this.sets.stamp(setId);
    const index = this.memory.index();
    if (stamp === this.stamps.saved && this.savedGraph === index.graphReady) return true;
    // Another writer (a CLI on the same file) changed this set: memory is not the database; the stale
    // file is ignored at the next open and rebuilt from SQLite.
    if (stamp !== this.stamps.written) {
      this.diverged = true;
      return false;
    }
    saveVectors(file, index.state(), stamp);
    this.stamps.saved = stamp;
    this.savedGraph = index.graphReady;
    return true;
  }

  /** Before each write: if the set moved since this process's last write, another writer moved it. */
  writing(): void {
    if (this.sets.stamp(this.memory.setId()) !== this.stamps.written) this.diverged = true;
  }

  /** After each write: remember the stamp it left, and save once writes settle. */
  wrote(): void {
    this.stamps.written = this.sets.stamp(this.memory.setId());
    this.saveSoon();
  }

  /** Save once writes settle (or the graph is ready). */
  saveSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.persist(), SAVE_AFTER_MS);
    this.timer.unref();
  }

}

/**
 * Drop every stored vector of one set (a model removed or pruned) with the set's saved vector file:
 * the file would be stale, and its space goes back at once. The one place both go, for Corpus and for
 * a command line that opens no Corpus (pruneIndex). Returns how many vectors were dropped.
 */
export function dropSet(sets: VectorSets, setId: number): number {
  const dropped = sets.drop(setId);
  const file = sets.vectorFile(setId);
  if (file) removeVectors(file);
  return dropped;
}
