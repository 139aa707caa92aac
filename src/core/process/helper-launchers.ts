/**
 * How this process starts its helpers (the engine, the embedding, the document readers), chosen once
 * per process: Node child processes by default (the CLI, the web host, the tests), or, in the app's
 * engine, utility processes that Electron main starts on request (./parent-helpers.ts). Code that
 * needs a helper asks here by name and does not know which; the supervisor over it is the same.
 */
import { entryScript, nodeChildLauncher, refuseNodeChildren } from './node-child';
import { helperEntries, type HelperLaunchers, type HelperName, type HelperOptions, type ProcessLauncher } from './process-handle';

/** Each helper as a Node child process: its source under tsx, or the built entry beside this bundle. */
export const nodeHelpers: HelperLaunchers = (name, options) =>
  nodeChildLauncher(entryScript(`../../worker/${helperEntries[name]}.ts`, `${helperEntries[name]}.js`, import.meta.url), options);

let current: HelperLaunchers = nodeHelpers;

/** A launcher for helper `name`, the way this process starts its helpers. */
export function launcherFor<Out, In>(name: HelperName, options: HelperOptions = {}): ProcessLauncher<Out, In> {
  return current<Out, In>(name, options);
}

/**
 * From now on this process starts its helpers through `launchers`, and a Node child process started
 * any other way throws with `why` instead of forking (a guard behind the lint rule: a path that still
 * reached fork() would fail loudly in the app rather than start a second Electron).
 */
export function startHelpersWith(launchers: HelperLaunchers, why: string): void {
  current = launchers;
  refuseNodeChildren(why);
}
