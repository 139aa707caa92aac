/**
 * The service's life after it is made: reconciling the stored folders with the disk in the
 * background, a periodic check for folders that went missing (an unplugged drive), waiting until
 * indexing is idle, and closing in the order that leaves the index whole.
 */
import type { TroveService } from '../trove-service';
import type { EngineParts } from './engine-parts';

const MISSING_CHECK_MS = 10_000;

export function lifecycleMethods(parts: EngineParts): Pick<TroveService, 'whenIdle' | 'close'> {
  const { options, corpus, indexer, folders, progress } = parts;
  const missingTimer = setInterval(() => void folders.checkMissing(), MISSING_CHECK_MS);
  missingTimer.unref();
  // Reconcile stored folders with the disk in the background; searches work from the loaded index meanwhile.
  const startup = Promise.all(corpus.folders().map((row) => folders.open(row, options.reconcileOnStart ?? true)));
  let closed = false;
  return {
    async whenIdle() {
      await startup;
      // Scans queue work as they go: wait until no scan is running and the queue is empty.
      for (;;) {
        await indexer.whenIdle();
        if (folders.scanning === 0 && folders.applyingBatches === 0 && indexer.queued === 0 && !indexer.busy) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      if (closed) return;
      clearInterval(missingTimer);
      await startup.catch(() => {});
      await folders.closeAll();
      await indexer.stop();
      closed = true;
      progress.stop();
      corpus.close(); // saves the vectors and closes the database
    },
  };
}
