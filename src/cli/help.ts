/**
 * What `trove --help` and `trove <command> --help` print, rendered from the command table: the
 * overview's one line per command, and each command's usage (generated from its arguments and
 * flags, so it cannot drift from what the parser accepts), sub-commands, flags and an example.
 */
import { COMMANDS, formOf, type CommandSpec, type FlagSpec, type Form } from './command-table';

const table: Record<string, CommandSpec> = COMMANDS;

/** "--db <file>", "--json". */
const flagName = (name: string, f: FlagSpec) => `--${name}${f.type === 'string' ? ` ${f.value ?? '<value>'}` : ''}`;

/**
 * One usage line, after `npm run trove -- `: arguments, required flags, then the optional ones in
 * brackets. The flags every sub-command takes are left to one line of their own (sharedUsage).
 */
export function usageLine(name: string, spec: CommandSpec, sub?: string): string {
  const form: Required<Form> = formOf(spec, sub);
  const flag = (f: string) => flagName(f, spec.flags[f]);
  const optional = form.flags.filter((f) => !form.required.includes(f) && !spec.shared?.includes(f)).map((f) => `[${flag(f)}]${spec.flags[f].multiple ? '...' : ''}`);
  return [name, sub, ...form.args, ...form.required.map(flag), ...optional].filter(Boolean).join(' ');
}

const sharedUsage = (name: string, spec: CommandSpec) =>
  spec.shared?.length ? [`${name} <command> ... ${spec.shared.map((f) => `[${flagName(f, spec.flags[f])}]`).join(' ')}`] : [];

const columns = (rows: [string, string][]) => {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
};

export function commandHelp(name: string): string {
  const spec = table[name];
  const subs = Object.entries(spec.subcommands ?? {});
  const usage = subs.length ? [...subs.map(([sub]) => usageLine(name, spec, sub)), ...sharedUsage(name, spec)] : [usageLine(name, spec)];
  const flags = Object.entries(spec.flags).map(([f, flag]): [string, string] => [flagName(f, flag), flag.about]);
  if (spec.dashDash) flags.push(['--', spec.dashDash]);
  return [
    `${name}: ${spec.summary}`,
    '',
    'usage:',
    ...[...usage, ...(spec.moreUsage ?? [])].map((u) => `  npm run trove -- ${u}`),
    ...(subs.length ? ['', 'commands:', ...columns(subs.map(([sub, s]) => [sub, s.about]))] : []),
    ...(flags.length ? ['', 'flags:', ...columns(flags)] : []),
    '',
    'example:',
    `  ${spec.example}`,
    '',
  ].join('\n');
}

export function overview(): string {
  const names = Object.keys(table).sort();
  return [
    'usage: npm run trove -- <command> [args]     (npm run trove -- <command> --help for its flags and an example)',
    '',
    'commands:',
    ...columns(names.map((n) => [n, table[n].summary])),
    '',
    'npm run trove -- --version prints the version; npx trove works as well as npm run trove --.',
    '',
  ].join('\n');
}
