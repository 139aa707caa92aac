/**
 * Downloads the UI starts and then polls (through the models overview): one per model at a time, each
 * with its progress, its way to be cancelled, and its outcome.
 */
import type { ModelDownload } from '../../shared/models';
import { DownloadError, type DownloadProgress } from './hub-download';

/** Downloads, verifies and installs a model, reporting progress; the library's download(). */
export type Install = (name: string, onProgress: (p: DownloadProgress) => void, signal: AbortSignal) => Promise<unknown>;

export class BackgroundDownloads {
  private readonly running = new Map<string, { download: ModelDownload; controller: AbortController; done: Promise<void> }>();

  /** The download of a model (under way, or failed or cancelled), if any; a finished one is forgotten. */
  progress(name: string): ModelDownload | null {
    return this.running.get(name)?.download ?? null;
  }

  /** Start installing a model in the background; a second call while it runs is a no-op. */
  start(name: string, bytesTotal: number, install: Install): void {
    if (this.running.get(name)?.download.state === 'downloading') return;
    const controller = new AbortController();
    const download: ModelDownload = { state: 'downloading', file: '', bytesDone: 0, bytesTotal, bytesPerSecond: 0, etaSeconds: null };
    const done = install(name, (p) => Object.assign(download, p, { state: p.bytesDone >= p.bytesTotal ? 'verifying' : 'downloading' }), controller.signal).then(
      () => void this.running.delete(name),
      (err: unknown) => {
        download.state = err instanceof DownloadError && err.code === 'cancelled' ? 'cancelled' : 'failed';
        download.error = (err as Error).message;
      },
    );
    this.running.set(name, { download, controller, done });
  }

  cancel(name: string): Promise<void> {
    const d = this.running.get(name);
    d?.controller.abort();
    return d?.done ?? Promise.resolve();
  }

  /** The download's outcome (for tests and the CLI). */
  whenDone(name: string): Promise<void> {
    return this.running.get(name)?.done ?? Promise.resolve();
  }
}
