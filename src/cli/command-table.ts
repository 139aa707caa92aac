/**
 * Every command of `trove`, the flags each takes and its help, in one table. main.ts parses with it
 * (parse-command-line.ts), help.ts prints it, and a flag not declared here is refused — so a
 * misspelt flag stops the command instead of being silently ignored, and no usage text is written
 * twice. Adding a command means an entry here and a loader line in main.ts.
 */
import { DEFAULT_SAME_THRESHOLD } from '../shared/questions';

export interface FlagSpec {
  /** string: takes a value (`--k 5` or `--k=5`); boolean: present or not. */
  type: 'string' | 'boolean';
  /** May be given more than once, every value kept in order; otherwise the last one counts. */
  multiple?: boolean;
  /** The value as help shows it, e.g. "<file>" (string flags only). */
  value?: string;
  /** What the flag does, for help. */
  about: string;
}

/** One way of calling a command: its positional arguments and which flags it takes. */
export interface Form {
  /**
   * Positional arguments as help shows them, which is also what is checked: "<folder>" is required,
   * "[<url>]" optional, "<query>..." one or more (the rest of the line).
   */
  args?: string[];
  /** Flags this form takes: names from its command's `flags`. Default: all of them. */
  flags?: string[];
  /** Flags it cannot do without. */
  required?: string[];
}

export interface SubcommandSpec extends Form {
  /** One line for the command's help. */
  about: string;
}

export interface CommandSpec extends Omit<Form, 'flags'> {
  /** One line for the overview. */
  summary: string;
  /** Every flag of the command, with its help; a command without sub-commands takes them all. */
  flags: Record<string, FlagSpec>;
  /** models list, questions import ...: each its own form. The command's own `args` then go unused. */
  subcommands?: Record<string, SubcommandSpec>;
  /** Flags every sub-command takes besides its own. */
  shared?: string[];
  /** Usage lines beyond the generated ones (after `npm run trove -- `). */
  moreUsage?: string[];
  /** What `--` does here, listed with the flags (after it, everything is an argument). */
  dashDash?: string;
  /** A command that works as written (paths aside). */
  example: string;
}

const DB: FlagSpec = { type: 'string', value: '<file>', about: 'the index database (created if missing; settings.json goes beside it)' };
const MODEL: FlagSpec = {
  type: 'string',
  value: '<name|folder>[@variant]',
  about:
    "embed with this model; @exact: its fp32 weights, @int8: its int8 ones (default: the index's own, chosen with `models use <model> --db`, else the CLI default, chosen with `models use <model>`)",
};
const DEVICE: FlagSpec = {
  type: 'string',
  value: 'cpu|auto|gpu',
  about:
    "where the model runs: cpu, auto (the graphics processor when one works: CUDA, DirectML or CoreML) or gpu (also WebGPU); one that fails to load or to pass the model's check falls back to the CPU with a note (default: the index's setting, else cpu)",
};
const JSON_OUT: FlagSpec = { type: 'boolean', about: 'print the whole response as JSON' };
const K: FlagSpec = { type: 'string', value: '<n>', about: 'how many files to list, 1–100 (default 10)' };
/** The search filters, taken by search and similar alike. */
const FILTERS: Record<string, FlagSpec> = {
  in: { type: 'string', multiple: true, value: '<folder>', about: 'only files under this indexed folder (repeat for several)' },
  type: { type: 'string', value: '<list>', about: 'only these file types, e.g. pdf,docx' },
  after: { type: 'string', value: '<date>', about: 'only files modified on or after this date (2024-01-31)' },
  before: { type: 'string', value: '<date>', about: 'only files modified before this date' },
};
const BANK: FlagSpec = { type: 'string', value: '<name>', about: 'the bank to work on' };

export const COMMANDS = {
  index: {
    summary: 'index a folder once and print a JSON summary',
    args: ['<folder>'],
    required: ['db'],
    flags: { db: DB, yes: { type: 'boolean', about: 'index a whole drive or home folder (otherwise refused, with an estimate)' }, model: MODEL, device: DEVICE },
    example: 'npm run trove -- index ~/Documents --db ~/.trove/index.sqlite',
  },
  watch: {
    summary: 'index a folder, then keep the index in step with it until Ctrl+C',
    args: ['<folder>'],
    required: ['db'],
    flags: { db: DB, yes: { type: 'boolean', about: 'watch a whole drive or home folder' }, model: MODEL, device: DEVICE },
    example: 'npm run trove -- watch ~/notes --db ~/.trove/index.sqlite',
  },
  search: {
    summary: 'search an index built by index or watch',
    args: ['"<query>"...'],
    required: ['db'],
    flags: {
      db: DB,
      k: K,
      ...FILTERS,
      sort: { type: 'string', value: '<order>', about: 'relevance (default) or date (newest first)' },
      mode: { type: 'string', value: '<mode>', about: 'hybrid (default), meaning (vectors only) or words (keywords only)' },
      exact: { type: 'boolean', about: 'search the words as typed, without spelling correction' },
      rerank: { type: 'boolean', about: "re-order the best results with the index's re-ranker (default: its setting; `models rerank <name> --db`)" },
      'no-rerank': { type: 'boolean', about: 'keep the first order (meaning and words fused) for this search' },
      json: JSON_OUT,
      model: MODEL,
      device: DEVICE,
    },
    moreUsage: ['search --db <file> -- "<query starting with ->"'],
    dashDash: 'ends the options: search -- --no-ff',
    example: 'npm run trove -- search \'"exact phrase" -draft rotate logs\' --db ~/.trove/index.sqlite --type md,txt --k 5',
  },
  similar: {
    summary: 'files like an indexed file (the whole file, or one of its passages)',
    args: ['<indexed file>'],
    required: ['db'],
    flags: {
      db: DB,
      passage: { type: 'string', value: '<chunkId>', about: 'files closest to this passage of the file (ids from search --json); default: the whole file' },
      k: K,
      ...FILTERS,
      json: JSON_OUT,
      model: MODEL,
      device: DEVICE,
    },
    example: 'npm run trove -- similar ~/notes/vpn.md --db ~/.trove/index.sqlite',
  },
  status: {
    summary: 'folders, index size, problems and integrity of an index, as JSON',
    required: ['db'],
    flags: {
      db: DB,
      data: { type: 'string', value: '<dir>', about: 'where question banks live, for their models (default $TROVE_DATA_DIR, else the app data folder)' },
      model: MODEL,
      device: DEVICE,
    },
    example: 'npm run trove -- status --db ~/.trove/index.sqlite',
  },
  serve: {
    summary: 'the app in a browser tab, on 127.0.0.1 behind a token',
    flags: {
      folder: { type: 'string', multiple: true, value: '<dir>', about: 'add (and index) this folder; repeat for more' },
      port: { type: 'string', value: '<n>', about: 'port to listen on (default: a free one)' },
      data: { type: 'string', value: '<dir>', about: 'settings and the index (default ~/.trove)' },
      renderer: { type: 'string', value: '<dir>', about: 'the built UI (default out/renderer; npm run serve builds it)' },
      model: MODEL,
      device: DEVICE,
    },
    example: 'npm run serve -- --folder ~/Documents --port 8080',
  },
  questions: {
    summary: 'question banks: import, ask, dupes, clusters, review, export-pairs, banks, export, sync',
    shared: ['data', 'json', 'model', 'device'],
    subcommands: {
      import: {
        about: 'import (or re-import) a file of questions into a bank',
        args: ['<file>'],
        required: ['bank'],
        flags: ['bank', 'question-col', 'answer-col', 'id-col', 'format', 'sheet', 'no-header', 'header'],
      },
      ask: { about: 'the questions of a bank closest to this one', args: ['"<question>"...'], required: ['bank'], flags: ['bank', 'k', 'same'] },
      dupes: { about: 'pairs of questions that ask the same thing', required: ['bank'], flags: ['bank', 'threshold', 'top-k', 'out'] },
      clusters: { about: 'groups of questions on one topic', required: ['bank'], flags: ['bank', 'threshold', 'min-size', 'out'] },
      review: { about: 'record a decision on a pair of questions', args: ['<id-a>', '<id-b>', '<keep|merge|dismiss|clear>'], required: ['bank'], flags: ['bank'] },
      'export-pairs': {
        about: 'reviewed pairs as fine-tuning data (tools/model/finetune.py): sentence1,sentence2,score',
        args: ['[<bank>]'],
        required: ['out'],
        flags: ['bank', 'out', 'hard-negatives'],
      },
      banks: { about: 'list the banks' },
      rename: { about: 'rename a bank', args: ['<from>', '<to>'] },
      delete: { about: 'delete a bank', args: ['<name>'] },
      export: { about: 'write a bank to a file', args: ['<file.csv|file.jsonl>'], required: ['bank'], flags: ['bank'] },
      sync: { about: "re-import a bank's source file", required: ['bank'], flags: ['bank'] },
      'eval-sts': { about: 'accuracy@1 and MRR@10 of STS-B pairs with gold >= 4.0', args: ['<sts-test.csv>'] },
      calibrate: { about: 'the "same question" cut-off from labelled pairs (best balanced accuracy for gold >= 4.0)', args: ['<sts-dev.csv>'] },
    },
    flags: {
      data: { type: 'string', value: '<dir>', about: 'where banks live (default $TROVE_DATA_DIR, else the app data folder)' },
      json: { type: 'boolean', about: 'print results as JSON' },
      model: MODEL,
      device: DEVICE,
      bank: BANK,
      'question-col': { type: 'string', value: '<col>', about: 'import: the question column, a header name or 0-based index' },
      'answer-col': { type: 'string', value: '<col>', about: 'import: the answer column' },
      'id-col': { type: 'string', value: '<col>', about: 'import: the id column' },
      format: { type: 'string', value: '<format>', about: 'import: csv, tsv, txt, json, jsonl, xlsx or md (default: from the file)' },
      sheet: { type: 'string', value: '<sheet>', about: 'import: the xlsx sheet, a name or 0-based index' },
      'no-header': { type: 'boolean', about: 'import: the first row is a question, not column names' },
      header: { type: 'boolean', about: 'import: the first row holds column names (default: guessed)' },
      k: { type: 'string', value: '<n>', about: 'ask: how many questions (default 5)' },
      same: { type: 'string', value: '<similarity>', about: `ask: from this similarity on, a question is "the same" (default ${DEFAULT_SAME_THRESHOLD})` },
      threshold: { type: 'string', value: '<similarity>', about: 'dupes (default 0.85), clusters (default 0.75): how close is close' },
      'top-k': { type: 'string', value: '<n>', about: 'dupes: neighbours looked at per question (default 100)' },
      'min-size': { type: 'string', value: '<n>', about: 'clusters: the smallest group listed (default 3)' },
      out: { type: 'string', value: '<file>', about: 'dupes, clusters: write CSV or JSONL; export-pairs: the CSV of reviewed pairs (merged 1.0, kept both or dismissed 0.0)' },
      'hard-negatives': { type: 'string', value: '<n>', about: 'export-pairs: also n questions per merged pair that are close but were not merged (0.0)' },
    },
    example: 'npm run trove -- questions import faq.csv --bank faq --question-col Question --answer-col Answer',
  },
  eval: {
    summary: 'measure the model: STS-B Spearman, or nDCG@10 on a BEIR folder through the whole pipeline',
    shared: ['model', 'device'],
    subcommands: {
      sts: { about: 'Spearman of STS-B (7 tab-separated fields, score 5th) or sentence1<TAB>sentence2<TAB>score', args: ['<file.tsv|csv>'], flags: ['reranker'] },
      beir: { about: 'nDCG@10 (×100) of a BEIR folder: hybrid, meaning and words', args: ['<scifact folder>'], flags: ['keep', 'mode', 'docs', 'fusion-table', 'cutoff', 'qrels', 'reranker', 'rerank-table', 'candidates', 'queries'] },
      cjk: { about: 'Chinese retrieval check: each sentence with a gold-5 partner in a pairs file (stsb-zh/test.tsv) searches for it', args: ['<pairs.tsv>'], flags: ['keep', 'mode', 'gold'] },
    },
    flags: {
      model: MODEL,
      device: DEVICE,
      keep: { type: 'string', value: '<dir>', about: 'beir, cjk: build the index in <dir> and keep it (default: a temporary folder, removed)' },
      mode: { type: 'string', value: '<mode>', about: 'beir, cjk: only this search mode, hybrid, meaning or words' },
      docs: { type: 'string', value: '<n>', about: 'beir: every judged document and others up to n (a smaller corpus, a higher nDCG)' },
      'fusion-table': { type: 'boolean', about: 'beir: one line per way of fusing meaning and words' },
      cutoff: { type: 'string', value: '<sts file>', about: 'beir: the share of answerable and off-topic queries below each "No good matches" line' },
      queries: { type: 'string', value: '<n>', about: 'beir: only the first n judged queries (the whole corpus is still searched)' },
      'rerank-table': { type: 'boolean', about: 'beir, with --reranker: one line per re-ranking depth and blend' },
      candidates: { type: 'string', value: '<file.jsonl>', about: 'beir: write each judged query\'s first 30 files (hybrid), for mining a re-ranker\'s hard negatives' },
      reranker: { type: 'string', value: '<name|folder>', about: 'sts: score each pair with this cross-encoder instead of the model\'s cosine; beir: re-rank the hybrid results with it' },
      gold: { type: 'string', value: '<score>', about: 'cjk: a partner scored this or more is a query\'s answer (default 5, the same meaning)' },
      qrels: { type: 'string', value: '<split>', about: 'beir: the judged queries of this split, test (default; for reporting) or train (for choosing weights)' },
    },
    example: 'npm run trove -- eval beir ../shared/eval/scifact',
  },
  similarity: {
    summary: 'cosine similarity of two texts',
    args: ['"<text a>"', '"<text b>"'],
    flags: { model: MODEL, device: DEVICE },
    example: 'npm run trove -- similarity "my vpn keeps disconnecting" "the VPN connection drops"',
  },
  models: {
    summary: 'the model manager: list, get, use, remove, add a model, choose a re-ranker, or set the download endpoint',
    subcommands: {
      list: { about: 'the catalogue and installed models, * marking the CLI default, and the re-rankers; with --db, the model and re-ranker each index uses', flags: ['db', 'json'] },
      get: { about: 'download a catalogued model from the hub (resumes; Ctrl+C keeps what arrived)', args: ['<name>'], flags: ['endpoint'] },
      use: {
        about:
          'make it the CLI default (@exact: its fp32 weights, @int8: int8); with --db, move that index only: re-embed its passages (resumes) and record the model in <index>.model.json',
        args: ['<name|folder>[@variant]'],
        flags: ['db', 'default', 'batch'],
      },
      remove: { about: 'delete a downloaded or added model (with --db: and its vectors in that index)', args: ['<name>'], flags: ['db'] },
      prune: { about: 'drop the vectors kept in the index for models not in use (or for that one)', args: ['[<model id>]'], required: ['db'], flags: ['db'] },
      add: { about: 'check a sentence-transformers ONNX folder (a model, or a CrossEncoder re-ranker) and add it', args: ['<folder>'], flags: ['name'] },
      endpoint: { about: 'show or set the hub (e.g. https://hf-mirror.com)', args: ['[<url>]'] },
      rerank: { about: "re-order that index's search results with this re-ranker (none or --off: stop); no name: show the one it uses", args: ['[<name|none>]'], required: ['db'], flags: ['db', 'off'] },
    },
    flags: {
      db: {
        type: 'string',
        multiple: true,
        value: '<file>',
        about: 'use: move this index only; list: say which model each index uses (repeatable); remove: drop its vectors there; prune, rerank: the index',
      },
      default: { type: 'boolean', about: 'use with --db: also make the model the CLI default (without --db, use always sets the default)' },
      batch: { type: 'string', value: '<n>', about: 'use with --db: passages embedded per batch (default 64)' },
      json: { type: 'boolean', about: 'list: print JSON (with --db: an "indexes" field)' },
      endpoint: { type: 'string', value: '<url>', about: 'get: download from this hub (a mirror), and keep it for later downloads' },
      name: { type: 'string', value: '<name>', about: 'add: the name to install it under (default: the folder\'s)' },
      off: { type: 'boolean', about: 'rerank: stop re-ranking that index (as `rerank none`)' },
    },
    example: 'npm run trove -- models use all-MiniLM-L6-v2@exact --db ~/.trove/index.sqlite',
  },
  encode: {
    summary: 'one text per line on stdin, one JSON vector per line on stdout',
    flags: { model: MODEL, device: DEVICE },
    moreUsage: ['encode < texts.txt'],
    example: 'printf "first text\\nsecond text\\n" | npm run trove -- encode',
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** The form a command line takes: the sub-command's, or the command's own. */
export function formOf(spec: CommandSpec, sub?: string): Required<Form> {
  const form: Form = sub !== undefined && spec.subcommands ? spec.subcommands[sub] : { ...spec, flags: Object.keys(spec.flags) };
  return { args: form.args ?? [], flags: [...(form.flags ?? []), ...(spec.shared ?? [])], required: form.required ?? [] };
}
