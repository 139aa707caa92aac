/**
 * The loose flag parser the bench scripts (bench/*.ts) still use for their own options: it accepts
 * any `--name value`, `--name=value` or listed boolean `--flag`, and positionals; `--` ends the
 * options. The `trove` commands never use it: they parse against the command table
 * (parse-command-line.ts), which refuses a flag it does not know.
 *
 * `flags` holds each option's last value, `lists` every value of an option given twice.
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
