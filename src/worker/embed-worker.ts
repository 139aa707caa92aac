/**
 * The embedding process: a thin loop around EmbeddingEngine. The same file runs as an Electron utility
 * process (messages on process.parentPort) and as a Node child process (process.send / 'message').
 */
import { EmbeddingEngine } from '../core/embed/engine';
import type { WorkerRequest, WorkerResponse } from '../core/embed/protocol';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: WorkerResponse): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

let engine: EmbeddingEngine | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(msg: WorkerRequest): Promise<void> {
  switch (msg.type) {
    case 'init':
      try {
        engine = EmbeddingEngine.create({ modelDir: msg.modelDir, variant: msg.variant, threads: msg.threads });
        send({ type: 'ready', modelId: engine.modelId, dimension: engine.dimension, maxSeqLength: engine.maxSeqLength, variant: engine.variant });
      } catch (err) {
        send({ type: 'init-failed', message: (err as Error).message });
      }
      return;
    case 'shutdown':
      await engine?.close();
      process.exit(0);
      return;
    default:
      break;
  }
  try {
    if (!engine) throw new Error('embedding process not initialised');
    if (msg.type === 'encode') {
      send({ type: 'result', id: msg.id, vectors: await engine.encode(msg.texts, { batchSize: msg.batchSize }) });
    } else if (msg.type === 'warmup') {
      await engine.warmup();
      send({ type: 'done', id: msg.id });
    } else if (msg.type === 'stats') {
      send({ type: 'done', id: msg.id, value: { ...engine.stats, rssBytes: process.memoryUsage().rss, peakRssBytes: process.resourceUsage().maxRSS * 1024 } });
    }
  } catch (err) {
    send({ type: 'error', id: (msg as { id: number }).id, message: (err as Error).message });
  }
}

function receive(msg: unknown): void {
  // One request at a time: the model already uses every core, and order keeps memory bounded.
  queue = queue.then(() => handle(msg as WorkerRequest));
}

if (parentPort) parentPort.on('message', (e) => receive(e.data));
else if (process.send) process.on('message', receive);
else {
  process.stderr.write('embed-worker: run me as a child or utility process\n');
  process.exit(2);
}
// The parent went away: nothing to work for.
process.on('disconnect', () => process.exit(0));
