/**
 * Electron's part of starting Trove's processes: every one is a utility process (a Node process
 * Electron manages, without a separate Node binary and without fork(): the installed app's RunAsNode
 * fuse is off). The engine is started here; the helpers it asks for (the embedding, the document
 * readers) are started by its broker and connected to it by a MessageChannelMain (./engine-launcher.ts,
 * ./helper-broker.ts). Type-checked against electron.d.ts; not run here (no Electron binary).
 */
import { MessageChannelMain, utilityProcess, type MessagePortMain } from 'electron';
import type { FromEngine, ToEngine } from '../core/host/engine-protocol';
import type { ProcessLauncher } from '../core/process/process-handle';
import { brokeredEngineLauncher } from './engine-launcher';
import { engineEntry, helperEntry } from './paths';

export function engineLauncher(serviceName = 'Trove index'): ProcessLauncher<ToEngine, FromEngine> {
  return brokeredEngineLauncher<MessagePortMain>({
    forkEngine: () => utilityProcess.fork(engineEntry(), [], { serviceName, stdio: 'inherit' }),
    forkHelper: (name, options) => utilityProcess.fork(helperEntry(name), [], options),
    channel: () => new MessageChannelMain(),
  });
}
