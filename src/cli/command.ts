/** A CLI command: gets its arguments (after the command name), returns the exit code. */
export type Command = (args: string[]) => Promise<number>;

/**
 * Minimal flag parsing shared by commands: `--name value`, `--name=value`, `--flag`, and positionals.
 * `--` ends the options: everything after it is positional, so `search -- --no-ff` searches for
 * "--no-ff". `flags` holds each option's last value, `lists` every value of an option given twice.
 */
export function parseFlags(
  args: string[],
  booleans: string[] = [],
): { positional: string[]; flags: Map<string, string>; lists: Map<string, string[]> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const set = (name: string, value: string) => {
    flags.set(name, value);
    lists.set(name, [...(lists.get(name) ?? []), value]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) set(a.slice(2, eq), a.slice(eq + 1));
      else if (booleans.includes(a.slice(2))) set(a.slice(2), 'true');
      else {
        if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
        set(a.slice(2), args[++i]);
      }
    } else positional.push(a);
  }
  return { positional, flags, lists };
}

/** The arguments before a `--` (where `--help` means help). */
export function optionsPart(args: string[]): string[] {
  const end = args.indexOf('--');
  return end < 0 ? args : args.slice(0, end);
}
