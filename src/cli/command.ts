/** A CLI command: gets its arguments (after the command name), returns the exit code. */
export type Command = (args: string[]) => Promise<number>;

/** Minimal flag parsing shared by commands: `--name value`, `--flag`, and positionals. */
export function parseFlags(args: string[], booleans: string[] = []): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (booleans.includes(a.slice(2))) flags.set(a.slice(2), 'true');
      else {
        if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
        flags.set(a.slice(2), args[++i]);
      }
    } else positional.push(a);
  }
  return { positional, flags };
}
