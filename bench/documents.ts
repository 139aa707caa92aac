/**
 * `npm run bench:documents [-- --dir FOLDER]`: index a mixed corpus of real documents (by default the
 * PDF, DOCX, HTML, ODT, EPUB, RTF, PPTX and mail files in test/fixtures/documents) with the real
 * pipeline — documents read in the isolated reader process, the model in its own process — and print
 * files/s and where the time went: reading documents vs the model vs the rest (chunking, SQLite).
 * Figures, not pass/fail: compare runs on the same machine.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseFlags } from '../src/cli/command';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { loadTokenCounter } from '../src/core/embed/tokenizer';
import { sharedDocumentExtractor } from '../src/core/extract/isolated-extractor';
import { createTroveService } from '../src/core/service/create-service';

const { flags } = parseFlags(process.argv.slice(2));
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'documents');
const sources = flags.get('dir') ? [flags.get('dir')!] : [join(fixtures, 'real'), join(fixtures, 'books')];
const work = mkdtempSync(join(tmpdir(), 'trove-bench-documents-'));
const docsDir = join(work, 'docs');
mkdirSync(docsDir);
for (const s of sources) cpSync(s, docsDir, { recursive: true });

const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
})(docsDir);
const byType = new Map<string, { files: number; bytes: number }>();
for (const f of files) {
  const t = extname(f).slice(1).toLowerCase();
  const r = byType.get(t) ?? { files: 0, bytes: 0 };
  r.files++;
  r.bytes += statSync(f).size;
  byType.set(t, r);
}

// Time every document read through the same reader the indexer uses (it is one per process).
const reader = sharedDocumentExtractor();
const readOne = reader.extract.bind(reader);
let readMs = 0;
reader.extract = async (bytes, type) => {
  const t0 = performance.now();
  try {
    return await readOne(bytes, type);
  } finally {
    readMs += performance.now() - t0;
  }
};

const rows: [string, string][] = [];
const row = (k: string, v: string) => {
  rows.push([k, v]);
  process.stderr.write(`${k}: ${v}\n`);
};

const embedder = await EmbedderProcess.start();
const counter = await loadTokenCounter();
const service = await createTroveService({ dataDir: join(work, 'data'), embedder, tokenCounter: counter, watch: false });
const stats0 = await embedder.stats();
const t0 = performance.now();
await service.addFolder(docsDir);
await service.whenIdle();
const wallMs = performance.now() - t0;
const stats1 = await embedder.stats();
const status = await service.status();
const modelMs = stats1.modelMs - stats0.modelMs;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

row('corpus', [...byType].map(([t, r]) => `${r.files} ${t} (${mb(r.bytes)})`).join(', '));
row('indexed / problems', `${status.filesIndexed} files, ${status.chunksIndexed} passages / ${status.problems}`);
row('wall time', `${(wallMs / 1000).toFixed(1)} s`);
row('files/s', (status.filesIndexed / (wallMs / 1000)).toFixed(2));
row('passages/s', (status.chunksIndexed / (wallMs / 1000)).toFixed(1));
row('share of wall time reading documents (isolated reader, incl. IPC)', `${((readMs / wallMs) * 100).toFixed(0)} %`);
row('share of wall time inside the model', `${((modelMs / wallMs) * 100).toFixed(0)} %`);
row('share of wall time elsewhere (plain text, chunking, SQLite, waiting)', `${(Math.max(0, 1 - (readMs + modelMs) / wallMs) * 100).toFixed(0)} %`);
row('reader processes replaced (time/memory budget or crash)', String(reader.restarts));
for (const p of await service.problems()) row('problem', `${p.path.slice(docsDir.length + 1)}: ${p.reason}`);

await service.close();
await reader.close();
await embedder.close();
rmSync(work, { recursive: true, force: true });
process.stdout.write('\n| measure | value |\n| --- | --- |\n' + rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n') + '\n');
