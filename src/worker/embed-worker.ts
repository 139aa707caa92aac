/**
 * The embedding process: a thin loop around EmbeddingEngine. The same file runs as an Electron utility
 * process (messages on process.parentPort) and as a Node child process (process.send / 'message').
 *
 * Two queues: a search's query ('high' priority) must not wait for a whole indexing request, so bulk
 * requests are run one model batch at a time and urgent work is served between batches.
 */
import { childPort } from '../core/process/child-port';
import { DEFAULT_BATCH_SIZE, longestFirst, textsPerCall, type EmbeddingEngine } from '../core/embed/engine';
import { CrossEncoderEngine } from '../core/embed/cross-encoder';
import { openEngineWithFallback } from '../core/embed/variant-fallback';
import type { WorkerRequest, WorkerResponse } from '../core/embed/protocol';

const port = childPort<WorkerResponse>('embed-worker');

type EncodeRequest = Extract<WorkerRequest, { type: 'encode' }>;

/** A bulk request being worked through batch by batch, longest texts first. */
interface BulkJob {
  msg: EncodeRequest;
  ids: number[][] | null;
  /** Leading prompt tokens the pooling skips. */
  skip: number;
  order: number[];
  next: number;
  out: Float32Array[];
}

let engine: EmbeddingEngine | null = null;
let threads: number | undefined;
/** The re-ranker last asked for; another folder replaces it (one cross-encoder in memory at a time). */
let crossEncoder: CrossEncoderEngine | null = null;

function reranker(dir: string): CrossEncoderEngine {
  if (crossEncoder?.model.dir !== dir) {
    void crossEncoder?.close();
    crossEncoder = null;
    crossEncoder = CrossEncoderEngine.create(dir, threads);
  }
  return crossEncoder;
}
const urgent: WorkerRequest[] = [];
const bulk: BulkJob[] = [];
let pumping = false;

async function handle(msg: WorkerRequest): Promise<void> {
  switch (msg.type) {
    case 'init':
      try {
        // Quantised weights are loaded and checked now: refused, the exact ones are used (variant-fallback.ts).
        threads = msg.threads;
        const opened = await openEngineWithFallback({ modelDir: msg.modelDir, variant: msg.variant, threads: msg.threads, device: msg.device, spin: msg.spin });
        engine = opened.engine;
        // A GPU asked for is tried now, so that the first message already says where the model runs.
        // A refusal here is the model's own (not the GPU's: device.ts falls back); the first use reports it.
        if (engine.device.setting !== 'cpu') await engine.warmup().catch(() => undefined);
        port.send({
          type: 'ready',
          modelId: engine.modelId,
          dimension: engine.dimension,
          maxSeqLength: engine.maxSeqLength,
          variant: engine.variant,
          similarity: engine.similarity,
          fallback: opened.fallback,
          device: engine.device,
        });
      } catch (err) {
        port.send({ type: 'init-failed', message: (err as Error).message });
      }
      return;
    case 'shutdown':
      await engine?.close();
      await crossEncoder?.close();
      process.exit(0);
      return;
    default:
      break;
  }
  try {
    if (!engine) throw new Error('embedding process not initialised');
    if (msg.type === 'encode') {
      port.send({ type: 'result', id: msg.id, vectors: await engine.encode(msg.texts, { batchSize: msg.batchSize, role: msg.role, tokenIds: msg.tokenIds }) });
    } else if (msg.type === 'score') {
      port.send({ type: 'done', id: msg.id, value: await reranker(msg.modelDir).score(msg.query, msg.passages) });
    } else if (msg.type === 'warmup') {
      await engine.warmup();
      port.send({ type: 'done', id: msg.id });
    } else if (msg.type === 'stats') {
      port.send({ type: 'done', id: msg.id, value: { ...engine.stats, rssBytes: process.memoryUsage().rss, peakRssBytes: process.resourceUsage().maxRSS * 1024 } });
    }
  } catch (err) {
    port.send({ type: 'error', id: (msg as { id: number }).id, message: (err as Error).message });
  }
}

/** Run one model batch of the oldest bulk request; answer it when its last batch is done. */
async function stepBulk(job: BulkJob): Promise<void> {
  try {
    if (!engine) throw new Error('embedding process not initialised');
    if (!job.ids) {
      const { ids, skip } = await engine.tokenize(job.msg.texts, job.msg.role, job.msg.tokenIds);
      job.ids = ids;
      job.skip = skip;
      job.order = longestFirst(ids);
      job.out = new Array(ids.length);
    }
    const size = job.msg.batchSize ?? DEFAULT_BATCH_SIZE;
    // Exactly one model call per step, cut as the engine cuts (at most `size` texts and MAX_BATCH_TOKENS
    // tokens, longest first): one batching layer instead of a 32-text step that the engine cut again, and
    // a search's query waits for one model call at most, not up to eight. (No speed change measured:
    // 400 SciFact abstracts take 96 calls this way, 97 the other.)
    const idx = job.order.slice(job.next, job.next + textsPerCall(job.ids[job.order[job.next]].length, size));
    const vectors = await engine.encodeIds(idx.map((i) => job.ids![i]), size, job.skip);
    idx.forEach((i, k) => (job.out[i] = vectors[k]));
    job.next += idx.length;
    if (!bulk.includes(job)) return; // cancelled while this batch ran
    if (job.next >= job.order.length) {
      drop(job.msg.id);
      port.send({ type: 'result', id: job.msg.id, vectors: engine.finish(job.msg.texts, job.out, job.msg.role) });
    } else port.send({ type: 'progress', id: job.msg.id, done: job.next });
  } catch (err) {
    drop(job.msg.id);
    port.send({ type: 'error', id: job.msg.id, message: (err as Error).message });
  }
}

/** Take a bulk request out of the queue (finished, failed or cancelled). */
function drop(id: number): void {
  const i = bulk.findIndex((j) => j.msg.id === id);
  if (i >= 0) bulk.splice(i, 1);
}

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    while (urgent.length || bulk.length) {
      if (urgent.length) await handle(urgent.shift()!);
      else await stepBulk(bulk[0]);
    }
  } finally {
    pumping = false;
  }
}

function receive(raw: unknown): void {
  const msg = raw as WorkerRequest;
  // At once, not after the queue: the batch running now is the last one spent on a cancelled request.
  if (msg.type === 'cancel') return drop(msg.id);
  if (msg.type === 'encode' && msg.priority !== 'high' && msg.texts.length > 0) {
    bulk.push({ msg, ids: null, skip: 0, order: [], next: 0, out: [] });
  } else {
    urgent.push(msg);
  }
  void pump();
}

// The parent went away: nothing to work for.
port.listen(receive, () => process.exit(0));
