/**
 * The service as a user meets it, with the real model, real SQLite files and real folders: indexing,
 * bad input, restarts, and model changes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { Embedder, TokenCounter } from '../../../src/core/embed/types';
import { createTroveEngine, type TroveEngine } from '../../../src/core/service/create-service';
import type { TroveService } from '../../../src/core/trove-service';
import type { IndexProgress } from '../../../src/shared/types';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

let engine: EmbeddingEngine;
let counter: TokenCounter;
const dirs: string[] = [];
before(async () => {
  engine = EmbeddingEngine.create();
  counter = await loadTokenCounter();
});
after(async () => {
  await engine.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(name: string) {
  const root = tempDir(name);
  dirs.push(root);
  return { root, data: join(root, 'data'), docs: join(root, 'docs') };
}

/** The engine behind each service this file opened (its indexer's totals, its corpus). */
const engines = new Map<TroveService, TroveEngine>();
const internals = (service: TroveService) => engines.get(service)!;
const open = async (dataDir: string, embedder: Embedder = engine) => {
  const opened = await createTroveEngine({ dataDir, embedder, tokenCounter: counter, watch: false });
  engines.set(opened.service, opened);
  return opened.service;
};

async function topName(service: TroveService, text: string): Promise<string | undefined> {
  return (await service.search({ text, k: 3 })).hits[0]?.name;
}

describe('indexing a folder', () => {
  test('bad input is recorded with a reason while the rest of the folder is indexed', async () => {
    const ws = workspace('bad-input');
    const docs = scifactDocs(40);
    writeDocs(ws.docs, docs);
    const bad = join(ws.docs, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'program.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]));
    writeFileSync(join(bad, 'broken.txt'), Buffer.concat([Buffer.from('naïve résumé '), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from(' tail')]));
    writeFileSync(join(bad, 'empty.txt'), '');
    writeFileSync(join(bad, 'huge.log'), 'a log line that repeats\n'.repeat(6000));
    symlinkSync(join(bad, 'nowhere.txt'), join(bad, 'dangling.txt'));
    symlinkSync(ws.docs, join(bad, 'loop'));
    execFileSync('mkfifo', [join(bad, 'pipe.txt')]);
    writeFileSync(join(bad, 'locked.txt'), 'secret words');
    chmodSync(join(bad, 'locked.txt'), 0o000);

    const service = await open(ws.data);
    await service.setSettings({ maxFileSizeMb: 0.1 });
    const events: IndexProgress[] = [];
    service.on('progress', (p) => events.push(p));
    await service.addFolder(ws.docs);
    await service.whenIdle();

    const reasons = new Map((await service.problems()).map((p) => [p.path.slice(bad.length + 1), p.reason]));
    assert.match(reasons.get('program.txt') ?? '', /binary content/);
    assert.match(reasons.get('broken.txt') ?? '', /not valid UTF-8/);
    assert.match(reasons.get('empty.txt') ?? '', /empty file/);
    assert.match(reasons.get('huge.log') ?? '', /larger than the 0\.10 MB limit/);
    assert.match(reasons.get('dangling.txt') ?? '', /broken symbolic link/);
    assert.match(reasons.get('loop') ?? '', /symbolic link loop/);
    if (process.getuid?.() !== 0) assert.match(reasons.get('locked.txt') ?? '', /permission denied/);
    const status = await service.status();
    assert.equal(status.filesIndexed, docs.length + (process.getuid?.() === 0 ? 1 : 0));
    assert.equal(status.state, 'idle');
    assert.equal(await topName(service, docs[7].title), `${docs[7].id}.txt`);
    // Progress went through a pass with a total, and ended idle.
    assert.ok(events.some((e) => e.state === 'indexing' && e.filesTotal >= docs.length));
    assert.equal(events.at(-1)!.state, 'idle');
    await service.close();
  });

  test('restart with nothing changed re-embeds no file; a changed model re-embeds all and never mixes vectors', async () => {
    const ws = workspace('restart');
    const docs = scifactDocs(30, 100);
    writeDocs(ws.docs, docs);
    let service = await open(ws.data);
    await service.addFolder(ws.docs);
    await service.whenIdle();
    assert.equal(internals(service).indexer.totals.embedded, docs.length);
    await service.close();

    service = await open(ws.data);
    await service.whenIdle();
    const t = internals(service).indexer.totals;
    assert.deepEqual({ embedded: t.embedded, reused: t.reused, failed: t.failed }, { embedded: 0, reused: 0, failed: 0 });
    assert.equal((await service.status()).filesIndexed, docs.length);
    assert.equal(await topName(service, docs[3].title), `${docs[3].id}.txt`);
    await service.close();

    // Same weights under another model id stand in for "the user switched models".
    const other: Embedder = {
      modelId: `${engine.modelId}@other`,
      dimension: engine.dimension,
      maxSeqLength: engine.maxSeqLength,
      similarity: engine.similarity,
      encode: (texts, o) => engine.encode(texts, o),
      close: async () => {},
    };
    service = await open(ws.data, other);
    service.pause();
    assert.equal((await service.status()).chunksIndexed, 0, 'vectors of another model were loaded');
    assert.equal((await service.search({ text: docs[3].title })).hits.length, 0);
    service.resume();
    await service.whenIdle();
    assert.equal(internals(service).indexer.totals.embedded, docs.length);
    assert.equal(await topName(service, docs[3].title), `${docs[3].id}.txt`);
    assert.equal(internals(service).corpus.integrityCheck(), 'ok');
    await service.close();
  });

  test('a file deleted or rewritten after the scan, before it is read, is handled; pause holds indexing', async () => {
    const ws = workspace('race');
    const docs = scifactDocs(12, 200);
    const paths = writeDocs(ws.docs, docs);
    const service = await open(ws.data);
    const paused = await service.pause();
    assert.equal(paused.state, 'paused');
    await service.addFolder(ws.docs);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await service.status()).filesIndexed, 0, 'indexed while paused');
    unlinkSync(paths.get(docs[0].id)!);
    writeFileSync(paths.get(docs[1].id)!, 'Zebra stripes confuse biting flies, field study in Tanzania.');
    await service.resume();
    await service.whenIdle();
    assert.equal((await service.status()).filesIndexed, docs.length - 1);
    assert.deepEqual(await service.problems(), []);
    assert.equal(await topName(service, 'why do zebras have stripes against flies'), `${docs[1].id}.txt`);
    const hits = (await service.search({ text: docs[0].title, k: 20 })).hits;
    assert.ok(!hits.some((h) => h.name === `${docs[0].id}.txt`));
    await service.close();
  });

  test('a folder that disappears gets a warning, keeps its files searchable, and the other folder is indexed', async () => {
    const ws = workspace('unplugged');
    const a = join(ws.root, 'a');
    const b = join(ws.root, 'b');
    const docsA = scifactDocs(8, 300);
    const docsB = scifactDocs(8, 320);
    writeDocs(a, docsA);
    writeDocs(b, docsB);
    let service = await open(ws.data);
    await service.addFolder(b);
    await service.whenIdle();
    await service.close();
    renameSync(b, join(ws.root, 'b-unplugged'));
    service = await open(ws.data);
    await service.addFolder(a);
    await service.whenIdle();
    const folders = await service.listFolders();
    assert.match(folders.find((f) => f.path === b)!.warning ?? '', /missing or unreadable/);
    assert.equal(folders.find((f) => f.path === a)!.warning, null);
    assert.equal(await topName(service, docsA[2].title), `${docsA[2].id}.txt`);
    assert.equal(await topName(service, docsB[2].title), `${docsB[2].id}.txt`);
    await assert.rejects(service.resolveForDesktop('/etc/passwd', 'open'), /not inside an indexed folder/);
    await service.close();
  });

  test('removing a folder while it is being indexed drops all of it and leaves the database intact', async () => {
    const ws = workspace('remove-folder');
    const docs = scifactDocs(40, 600);
    writeDocs(ws.docs, docs);
    const service = await open(ws.data);
    await service.addFolder(ws.docs);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await service.removeFolder(ws.docs), []);
    await service.whenIdle();
    assert.equal((await service.status()).filesIndexed, 0);
    assert.equal((await service.search({ text: docs[1].title })).hits.length, 0);
    assert.deepEqual(await service.problems(), []);
    assert.equal(internals(service).corpus.integrityCheck(), 'ok');
    await service.close();
  });

  test('search results carry offsets into the text, a location, and a highlight inside the passage', async () => {
    const ws = workspace('search');
    mkdirSync(ws.docs, { recursive: true });
    writeFileSync(
      join(ws.docs, 'garden.md'),
      '# Garden\n\nNotes on the allotment.\n\n## Tomatoes\n\nWater tomatoes in the morning. Blight spreads in wet leaves, so keep them dry.\n',
    );
    writeDocs(ws.docs, scifactDocs(10, 400));
    const service = await open(ws.data);
    await service.addFolder(ws.docs);
    await service.whenIdle();
    const { hits } = await service.search({ text: 'how to stop blight on tomato leaves', k: 5 });
    const best = hits[0];
    assert.equal(best.name, 'garden.md');
    assert.equal(best.fileType, 'md');
    assert.equal(best.best.location, '§ Garden › Tomatoes');
    assert.match(best.best.text.slice(best.best.highlight.start, best.best.highlight.end), /^Blight spreads in wet leaves/);
    const preview = await service.preview(best.path, best.best.start, best.best.end);
    assert.equal(preview.text.slice(preview.passage.start, preview.passage.end), best.best.text);
    // The next preview of the file is read from the document extracted for the last one; a file changed
    // on disk is read again, not shown as it was.
    assert.deepEqual(await service.preview(best.path, best.best.start, best.best.end), preview);
    writeFileSync(
      join(ws.docs, 'garden.md'),
      '# Garden\n\nNotes on the allotment.\n\n## Tomatoes\n\nWater tomatoes in the evening. Blight spreads in wet leaves, so keep them dry.\n',
    );
    assert.match((await service.preview(best.path, best.best.start, best.best.end)).text, /in the evening/);

    // A new ignore pattern re-scans the folder and drops the file from the index.
    await service.setSettings({ ignorePatterns: ['garden.md'] });
    await waitFor('the ignored file to leave the results', async () => {
      const again = await service.search({ text: 'how to stop blight on tomato leaves', k: 5 });
      return !again.hits.some((h) => h.name === 'garden.md');
    });
    assert.deepEqual(JSON.parse(readFileSync(join(ws.data, 'settings.json'), 'utf8')).ignorePatterns, ['garden.md']);
    await service.close();
  });
});
