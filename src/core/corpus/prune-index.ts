/**
 * `trove models prune`: drop an index's vectors of models it no longer uses, without opening a Corpus
 * (nothing is loaded into memory to be thrown away). Each set goes with its saved vector file, as when
 * the app removes a model (Corpus.dropVectors); the index's own model is never dropped.
 */
import { IndexStore } from '../store/index-store';
import type { VectorSetSummary } from '../store/rows';
import { dropSet } from './saved-index';

/**
 * Drop the vector sets of the index at `dbPath` whose model `which` picks, except `inUse`'s (the model
 * its searches use); `onDropped` hears each set as it goes. Then the space goes back to the file system.
 */
export function pruneIndex(dbPath: string, inUse: string, which: (modelId: string) => boolean, onDropped: (set: VectorSetSummary, vectors: number) => void): void {
  const store = new IndexStore(dbPath);
  try {
    for (const set of store.counts.vectorSets()) {
      if (set.modelId === inUse || !which(set.modelId)) continue;
      onDropped(set, dropSet(store.sets, set.id));
    }
    store.compact();
  } finally {
    store.close();
  }
}
