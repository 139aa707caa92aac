// Runs a worker entry on a worker thread as if it were an Electron utility process: TypeScript through
// tsx, and process.parentPort as Electron gives it (messages as { data, ports }). See electron-ports.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { electronPort } = await import('./electron-ports.ts');
process.parentPort = electronPort(parentPort);
await import(workerData.entry);
