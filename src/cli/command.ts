/** A command line as the command table allowed it (see parse-command-line.ts). */
export interface CommandLine {
  /** The sub-command (`models list` → "list"); undefined for a command without sub-commands. */
  sub?: string;
  /** Arguments that are not flags, in order; everything after `--` is one of them. */
  positional: string[];
  /** Each flag given: its last value ("true" for a boolean flag). */
  flags: Map<string, string>;
  /** Every value of a flag the table lets repeat (`--in a --in b`), in order. */
  lists: Map<string, string[]>;
}

/** A CLI command: gets its checked command line, returns the exit code. */
export type Command = (line: CommandLine) => Promise<number>;

/**
 * The command line itself is wrong (a flag, an argument, a value of the wrong form): main.ts prints
 * the message as one line and exits 2. Anything else that fails is a runtime failure and exits 1.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The bench scripts import their loose flag parser from here; trove's commands do not use it. */
export { parseFlags } from './bench-flags';
