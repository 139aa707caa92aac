/**
 * `npm run trove -- <command> ...`: the headless entry, the same core the app uses.
 * Each command lives in ./commands/<name>.ts and is registered here by one line.
 */
import { optionsPart, type Command } from './command';
import { commandHelp, HELP, overview } from './help';

const commands: Record<string, () => Promise<{ default: Command }>> = {
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

const isHelp = (a: string) => a === '--help' || a === '-h' || a === 'help';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isHelp(name)) {
    // `trove help index` works as well as `trove index --help`.
    if (rest[0] && Object.hasOwn(HELP, rest[0])) process.stdout.write(commandHelp(rest[0]));
    else process.stdout.write(overview());
    return 0;
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`trove: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (optionsPart(rest).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(commandHelp(name));
    return 0;
  }
  const command = (await commands[name]()).default;
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`trove: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
