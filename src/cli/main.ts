/**
 * `npm run trove -- <command> ...`: the headless entry, the same core the app uses.
 * Each command lives in ./commands/<name>.ts and is registered here by one line.
 */
import type { Command } from './command';

const commands: Record<string, () => Promise<{ default: Command }>> = {
  similarity: () => import('./commands/similarity'),
  encode: () => import('./commands/encode'),
  eval: () => import('./commands/eval'),
  serve: () => import('./commands/serve'),
  questions: () => import('./commands/questions'),
  index: () => import('./commands/index'),
  watch: () => import('./commands/watch'),
  search: () => import('./commands/search'),
  status: () => import('./commands/status'),
  models: () => import('./commands/models'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !Object.hasOwn(commands, name)) {
    const list = Object.keys(commands).sort().join(', ');
    process.stderr.write(
      (name && !['--help', '-h'].includes(name) ? `trove: unknown command "${name}"\n` : '') +
        `usage: npm run trove -- <command> [args]\ncommands: ${list}\n`,
    );
    return name && !['--help', '-h'].includes(name) ? 2 : 0;
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
