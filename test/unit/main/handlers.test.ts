/**
 * The Electron main process's IPC rules, run in plain Node: Electron itself (its binary, ipcMain, the
 * dialog and the shell) cannot run here, so the sender is a plain object and the desktop methods are
 * recorders. The engine behind them is the real one, in its own process as in the app.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiMethods } from '../../../src/shared/api';
import { apiHandlers, isOwnPage, type Handler, type InvokeEvent } from '../../../src/main/handlers';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';

const PAGE = 'trove://app/index.html';

describe('main-process IPC handlers (Electron replaced by plain objects: no Electron binary here)', () => {
  let root: string;
  let service: EngineClient;
  let handlers: Map<string, Handler>;
  const ourWindow = { id: 1 };
  const opened: string[] = [];
  const ours: InvokeEvent = { sender: ourWindow, senderFrame: { url: PAGE } };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'trove-ipc-'));
    service = await startEngine({ init: { dataDir: join(root, 'data') } });
    handlers = new Map(
      apiHandlers({
        service: Promise.resolve(service),
        desktop: {
          pickFolder: async () => '/home/someone/Documents',
          openFile: async (p) => void opened.push(p),
          revealFile: async (p) => void opened.push(`reveal ${p}`),
        },
        trustedSender: () => ourWindow,
        isOwnPage: (url) => isOwnPage(url, PAGE),
      }),
    );
  });
  after(async () => {
    await service?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('one handler per API method, on the channel named after it', () => {
    assert.deepEqual([...handlers.keys()].sort(), apiMethods.map((m) => `trove:${m}`).sort());
  });

  test('answers our page from the engine', async () => {
    const status = (await handlers.get('trove:status')!(ours)) as { state: string };
    assert.equal(status.state, 'idle');
    assert.deepEqual(await handlers.get('trove:listFolders')!(ours), []);
  });

  test('refuses other windows and other pages', async () => {
    await assert.rejects(handlers.get('trove:listFolders')!({ sender: { id: 2 }, senderFrame: { url: PAGE } }), /refused listFolders/);
    await assert.rejects(handlers.get('trove:listFolders')!({ sender: ourWindow, senderFrame: { url: 'https://evil.example/' } }), /refused listFolders from https:\/\/evil\.example/);
    await assert.rejects(handlers.get('trove:listFolders')!({ sender: ourWindow, senderFrame: null }), /refused/);
  });

  test('validates arguments before anything runs', async () => {
    await assert.rejects(handlers.get('trove:search')!(ours, { text: 5 }), { name: 'InvalidArgumentsError', message: /^search: argument 0\.text/ });
    await assert.rejects(handlers.get('trove:openFile')!(ours, 'relative.txt'), /path must be absolute/);
    await assert.rejects(handlers.get('trove:pickFolder')!(ours, 'extra'), { name: 'InvalidArgumentsError' });
    assert.deepEqual(opened, []);
  });

  test('desktop-only methods go to the shell side, not the engine', async () => {
    assert.equal(await handlers.get('trove:pickFolder')!(ours), '/home/someone/Documents');
    await handlers.get('trove:openFile')!(ours, '/home/someone/Documents/a.txt');
    assert.deepEqual(opened, ['/home/someone/Documents/a.txt']);
  });

  test('our page is trove://app, or the dev server under electron-vite dev', () => {
    assert.ok(isOwnPage(PAGE, PAGE));
    assert.ok(isOwnPage('trove://app/other.html', PAGE));
    assert.ok(!isOwnPage('trove://evil/index.html', PAGE));
    assert.ok(!isOwnPage('other://app/index.html', PAGE));
    assert.ok(!isOwnPage('file:///tmp/evil.html', PAGE));
    assert.ok(!isOwnPage('file:///tmp/evil.html', 'file:///tmp/evil.html'), 'a file:// page is never ours');
    assert.ok(isOwnPage('http://localhost:5173/index.html', 'http://localhost:5173/'));
    assert.ok(!isOwnPage('http://localhost:5174/', 'http://localhost:5173/'));
    assert.ok(!isOwnPage('not a url', PAGE));
  });
});
