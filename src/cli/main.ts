/**
 * `npm run trove -- <command> ...` (or `npx trove ...`): the headless entry, the same core the app
 * uses. Each command lives in ./commands/<name>.ts, is declared with its flags and help in
 * command-table.ts and loaded here by one line. Exit codes: 0 done, 1 a runtime failure, 2 a usage
 * error (the command line itself is wrong), said in one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type Command } from './command';
import { COMMANDS, isCommand, type CommandName } from './command-table';
import { commandHelp, overview } from './help';
import { didYouMean, parseCommandLine } from './parse-command-line';

const commands: Record<CommandName, () => Promise<{ default: Command }>> = {
  similarity: () => import('./commands/similarity'),
  encode: () => import('./commands/encode'),
  eval: () => import('./commands/eval'),
  serve: () => import('./commands/serve'),
  questions: () => import('./commands/questions'),
  index: () => import('./commands/index'),
  watch: () => import('./commands/watch'),
  search: () => import('./commands/search'),
  similar: () => import('./commands/similar'),
  status: () => import('./commands/status'),
  models: () => import('./commands/models'),
};

const isHelp = (a: string) => a === '--help' || a === '-h';

/** package.json's version: the CLI runs from source, so the file is two folders up. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no "version"');
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isHelp(name) || name === 'help') {
    // `trove help index` works as well as `trove index --help`.
    process.stdout.write(rest[0] && isCommand(rest[0]) ? commandHelp(rest[0]) : overview());
    return 0;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (!isCommand(name)) {
    const near = didYouMean(name.replace(/^-+/, ''), Object.keys(COMMANDS));
    throw new UsageError(`unknown command "${name}"${near ? ` (did you mean ${near}?)` : ''}; npm run trove -- --help lists them`);
  }
  // --help before `--` asks for help (after it, "--help" is an argument, e.g. a query); a command with
  // sub-commands given none (`trove models`) shows what they are.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.some(isHelp) || ('subcommands' in COMMANDS[name] && rest.length === 0)) {
    process.stdout.write(commandHelp(name));
    return 0;
  }
  const line = parseCommandLine(name, COMMANDS[name], rest);
  const command = (await commands[name]()).default;
  return command(line);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`trove: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
