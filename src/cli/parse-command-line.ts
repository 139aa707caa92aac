/**
 * A command line checked against the command table, on node:util's parseArgs in strict mode (built
 * into Node: no dependency to keep). Anything the table does not allow is a UsageError, which main.ts
 * prints as one line and exits 2 on: an unknown flag (with the nearest known one), a flag without its
 * value, a boolean flag given one, a missing or extra argument, a missing required flag.
 */
import { distance } from 'fastest-levenshtein';
import { parseArgs } from 'node:util';
import { formOf, type CommandSpec } from './command-table';
import { UsageError, type CommandLine } from './command';

/** The table entry's command line: the sub-command (if the command has them), positionals and flags. */
export function parseCommandLine(name: string, spec: CommandSpec, argv: string[]): CommandLine {
  let sub: string | undefined;
  let args = argv;
  if (spec.subcommands) {
    sub = args[0];
    const subs = Object.keys(spec.subcommands);
    if (sub === undefined || sub.startsWith('-')) throw new UsageError(`${name} needs a command: ${subs.join(', ')}`);
    if (!Object.hasOwn(spec.subcommands, sub)) throw new UsageError(`unknown command "${sub}" for ${name}${hint(didYouMean(sub, subs))}`);
    args = args.slice(1);
  }
  const where = sub === undefined ? name : `${name} ${sub}`;
  const form = formOf(spec, sub);
  refuseUnknownFlags(name, args, spec, form.flags, where);

  const hidden = hideDashedWords(args);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: hidden.args,
      options: Object.fromEntries(form.flags.map((f) => [f, { type: spec.flags[f].type, multiple: spec.flags[f].multiple ?? false }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(explainParseError(err as Error & { code?: string }, spec, where));
  }

  const flags = new Map<string, string>();
  const lists = new Map<string, string[]>();
  for (const [flag, value] of Object.entries(parsed.values)) {
    if (value === undefined) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'boolean' ? 'true' : hidden.restore(v)));
    if (values.length === 0) continue;
    flags.set(flag, values.at(-1)!);
    if (spec.flags[flag].multiple) lists.set(flag, values);
  }
  const positional = parsed.positionals.map(hidden.restore);

  for (const flag of form.required) {
    if (!flags.get(flag)) throw new UsageError(`${where} needs --${flag} ${spec.flags[flag].value ?? ''}`.trimEnd());
  }
  checkArgs(form.args, positional, where);
  return { sub, positional, flags, lists };
}

/** " (did you mean x?)" or nothing. */
const hint = (suggestion: string | undefined, prefix = '') => (suggestion === undefined ? '' : ` (did you mean ${prefix}${suggestion}?)`);

/**
 * The known word a typo most likely meant: one edit away in a word of three letters, two in a longer
 * one (a swap of two letters, "jsno", is two), a third of a long one; or the word it starts.
 */
export function didYouMean(word: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(word, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  if (best !== undefined && bestDistance <= Math.max(word.length <= 3 ? 1 : 2, Math.floor(word.length / 3))) return best;
  return word.length >= 3 ? known.find((k) => k.startsWith(word)) : undefined;
}

/**
 * Every `--flag` before `--` must be one this form takes. Checked here rather than left to parseArgs
 * so the message can name the nearest flag, and say when the flag belongs to another sub-command.
 */
function refuseUnknownFlags(name: string, args: string[], spec: CommandSpec, allowed: string[], where: string): void {
  for (const arg of args) {
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;
    const flag = arg.slice(2).split('=')[0];
    if (allowed.includes(flag)) continue;
    const owners = Object.entries(spec.subcommands ?? {})
      .filter(([, form]) => form.flags?.includes(flag))
      .map(([sub]) => sub);
    const elsewhere = owners.length ? ` (only ${name} ${owners.join(', ')} ${owners.length === 1 ? 'takes' : 'take'} it)` : '';
    throw new UsageError(`unknown flag --${flag} for ${where}${elsewhere || hint(didYouMean(flag, [...allowed, 'help']), '--')}`);
  }
}

/**
 * Words with one leading dash are not flags here (the only short flag, -h, main.ts answers first):
 * `-draft` in a query leaves out files holding "draft", and `--k -5` is a value to refuse with a
 * reason. parseArgs in strict mode would take them for short options, so they travel past it under
 * a name no flag can have and are put back after.
 */
function hideDashedWords(args: string[]): { args: string[]; restore: (word: string) => string } {
  const hidden = new Map<string, string>();
  const end = args.indexOf('--');
  const out = args.map((arg, i) => {
    if ((end >= 0 && i > end) || !/^-[^-]/.test(arg)) return arg;
    const key = `\0${i}`;
    hidden.set(key, arg);
    return key;
  });
  return { args: out, restore: (word) => hidden.get(word) ?? word };
}

/** parseArgs' own message, for what refuseUnknownFlags has not caught, in the table's words. */
function explainParseError(err: Error & { code?: string }, spec: CommandSpec, where: string): string {
  const flag = /'--([^' =]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag && spec.flags[flag]) {
    if (spec.flags[flag].type === 'boolean') return `--${flag} takes no value (${where})`;
    return `--${flag} needs a value (${where} --${flag} ${spec.flags[flag].value ?? '<value>'})`;
  }
  return `${where}: ${err.message.split('\n')[0]}`;
}

/** The positionals against the form's args: required ones present, none left over. */
function checkArgs(args: string[], positional: string[], where: string): void {
  const required = args.filter((a) => !a.startsWith('['));
  const rest = args.some((a) => a.endsWith('...'));
  if (positional.length < required.length) throw new UsageError(`${where} needs ${required.slice(positional.length).join(' ')}`);
  if (!rest && positional.length > args.length) {
    throw new UsageError(`unexpected argument "${positional[args.length]}" for ${where}${args.length ? ` (it takes ${args.join(' ')})` : ''}`);
  }
}
