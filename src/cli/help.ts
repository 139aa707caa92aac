/**
 * What `trove --help` and `trove <command> --help` print: for each command one line for the overview,
 * and its usage, flags and an example. Kept beside main.ts so adding a command means adding its help.
 */
export interface CommandHelp {
  /** One line for the overview. */
  summary: string;
  /** The command line, after `npm run trove --`. */
  usage: string[];
  /** Flag and what it does. */
  flags: [string, string][];
  /** A command that works as written (paths aside). */
  example: string;
}

const DB = ['--db <file>', 'the index database (created if missing; settings.json goes beside it)'] as [string, string];
const MODEL = ['--model <name|folder>[@variant]', 'embed with this model; @exact: its fp32 weights, @int8: its int8 ones (default: the index\'s own, chosen with `models use <model> --db`, else the CLI default, chosen with `models use <model>`)'] as [string, string];

export const HELP: Record<string, CommandHelp> = {
  index: {
    summary: 'index a folder once and print a JSON summary',
    usage: ['index <folder> --db <file> [--yes]'],
    flags: [DB, ['--yes', 'index a whole drive or home folder (otherwise refused, with an estimate)'], MODEL],
    example: 'npm run trove -- index ~/Documents --db ~/.trove/index.sqlite',
  },
  watch: {
    summary: 'index a folder, then keep the index in step with it until Ctrl+C',
    usage: ['watch <folder> --db <file> [--yes]'],
    flags: [DB, ['--yes', 'watch a whole drive or home folder'], MODEL],
    example: 'npm run trove -- watch ~/notes --db ~/.trove/index.sqlite',
  },
  search: {
    summary: 'search an index built by index or watch',
    usage: [
      'search "<query>" --db <file> [--k 10] [--in <folder>] [--type pdf,docx] [--after <date>] [--before <date>] [--sort relevance|date] [--mode hybrid|meaning|words] [--exact] [--json]',
      'search --db <file> -- "<query starting with ->"',
    ],
    flags: [
      DB,
      ['--k <n>', 'how many files to list, 1–100 (default 10)'],
      ['--in <folder>', 'only files under this indexed folder (repeat for several)'],
      ['--type <list>', 'only these file types, e.g. pdf,docx'],
      ['--after <date>', 'only files modified on or after this date (2024-01-31)'],
      ['--before <date>', 'only files modified before this date'],
      ['--sort <order>', 'relevance (default) or date (newest first)'],
      ['--mode <mode>', 'hybrid (default), meaning (vectors only) or words (keywords only)'],
      ['--exact', 'search the words as typed, without spelling correction'],
      ['--json', 'print the whole response as JSON'],
      ['--', 'ends the options: search -- --no-ff'],
    ],
    example: 'npm run trove -- search \'"exact phrase" -draft rotate logs\' --db ~/.trove/index.sqlite --type md,txt --k 5',
  },
  similar: {
    summary: 'files like an indexed file (the whole file, or one of its passages)',
    usage: ['similar <indexed file> --db <file> [--passage <chunkId>] [--k 10] [--in <folder>] [--type <list>] [--json]'],
    flags: [
      DB,
      ['--passage <chunkId>', 'files closest to this passage of the file (ids from search --json); default: the whole file'],
      ['--k <n>', 'how many files to list, 1–100 (default 10)'],
      ['--json', 'print the whole response as JSON'],
    ],
    example: 'npm run trove -- similar ~/notes/vpn.md --db ~/.trove/index.sqlite',
  },
  status: {
    summary: 'folders, index size, problems and integrity of an index, as JSON',
    usage: ['status --db <file>'],
    flags: [DB],
    example: 'npm run trove -- status --db ~/.trove/index.sqlite',
  },
  serve: {
    summary: 'the app in a browser tab, on 127.0.0.1 behind a token',
    usage: ['serve [--folder <dir>]... [--port N] [--data <dir>] [--renderer <dir>]'],
    flags: [
      ['--folder <dir>', 'add (and index) this folder; repeat for more'],
      ['--port <n>', 'port to listen on (default: a free one)'],
      ['--data <dir>', 'settings and the index (default ~/.trove)'],
      ['--renderer <dir>', 'the built UI (default out/renderer; npm run serve builds it)'],
    ],
    example: 'npm run serve -- --folder ~/Documents --port 8080',
  },
  questions: {
    summary: 'question banks: import, ask, dupes, clusters, review, export-pairs, banks, export, sync',
    usage: [
      'questions <import|ask|dupes|clusters|review|banks|rename|delete|export|sync|eval-sts> ... [--data <dir>] [--json]',
      'questions export-pairs <bank> --out pairs.csv [--hard-negatives N]',
    ],
    flags: [
      ['--data <dir>', 'where banks live (default $TROVE_DATA_DIR, else the app data folder)'],
      ['--bank <name>', 'the bank to work on'],
      ['--out <file>', 'export-pairs: the CSV of reviewed pairs (sentence1,sentence2,score: merged 1.0, kept both or dismissed 0.0)'],
      ['--hard-negatives <n>', 'export-pairs: also n questions per merged pair that are close but were not merged (0.0)'],
      ['--json', 'print results as JSON'],
    ],
    example: 'npm run trove -- questions import faq.csv --bank faq --question-col Question --answer-col Answer',
  },
  eval: {
    summary: 'measure the model: STS-B Spearman, or nDCG@10 on a BEIR folder through the whole pipeline',
    usage: ['eval sts <sts-test.csv>', 'eval beir <scifact folder> [--keep <dir>]'],
    flags: [['--keep <dir>', 'beir: build the index in <dir> and keep it (default: a temporary folder, removed)']],
    example: 'npm run trove -- eval beir ../shared/eval/scifact',
  },
  similarity: {
    summary: 'cosine similarity of two texts',
    usage: ['similarity "<text a>" "<text b>"'],
    flags: [],
    example: 'npm run trove -- similarity "my vpn keeps disconnecting" "the VPN connection drops"',
  },
  models: {
    summary: 'the model manager: list, get, use, remove, add a model, or set the download endpoint',
    usage: ['models <list|get|use|remove|prune|add|endpoint> ...', 'models use <name>[@variant] [--db <file> [--default]]', 'models list [--db <file>]... [--json]'],
    flags: [
      ['--db <file>', 'use: move this index only (re-embed it, record the model in <file>.model.json); list: say which model each index uses (repeatable)'],
      ['--default', 'use with --db: also make the model the CLI default (without --db, use always sets the default)'],
      ['--json', 'list: print JSON (with --db: an "indexes" field)'],
    ],
    example: 'npm run trove -- models use all-MiniLM-L6-v2@exact --db ~/.trove/index.sqlite',
  },
  encode: {
    summary: 'one text per line on stdin, one JSON vector per line on stdout',
    usage: ['encode < texts.txt'],
    flags: [],
    example: 'printf "first text\\nsecond text\\n" | npm run trove -- encode',
  },
};

export function commandHelp(name: string): string {
  const h = HELP[name] ?? { summary: '', usage: [`${name} ...`], flags: [], example: `npm run trove -- ${name}` };
  const width = Math.max(0, ...h.flags.map(([f]) => f.length));
  return [
    `${name}: ${h.summary}`,
    '',
    'usage:',
    ...h.usage.map((u) => `  npm run trove -- ${u}`),
    ...(h.flags.length ? ['', 'flags:', ...h.flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`)] : []),
    '',
    'example:',
    `  ${h.example}`,
    '',
  ].join('\n');
}

export function overview(): string {
  const names = Object.keys(HELP).sort();
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: npm run trove -- <command> [args]     (npm run trove -- <command> --help for its flags and an example)',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${HELP[n].summary}`),
    '',
  ].join('\n');
}
