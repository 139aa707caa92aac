/**
 * Issue 21 item 6: the command line is checked against the one command table. What a person types
 * wrong is refused with one line naming it (main.ts exits 2 on a UsageError); what the old parser
 * accepted on purpose — `--` before a query that looks like a flag, repeated flags, -word in a
 * query, --model name@variant — still means what it meant.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../../src/cli/command';
import { COMMANDS, formOf, type CommandSpec } from '../../../src/cli/command-table';
import { commandHelp, overview } from '../../../src/cli/help';
import { didYouMean, parseCommandLine } from '../../../src/cli/parse-command-line';

const table: Record<string, CommandSpec> = COMMANDS;
const parse = (name: string, ...args: string[]) => parseCommandLine(name, table[name], args);

/** The one line a usage error prints (after "trove: "). */
function refused(name: string, ...args: string[]): string {
  try {
    parse(name, ...args);
  } catch (err) {
    assert.ok(err instanceof UsageError, `${name} ${args.join(' ')}: a usage error, not ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err.message;
  }
  assert.fail(`${name} ${args.join(' ')} was accepted`);
}

describe('unknown and misspelt flags', () => {
  test('a misspelt flag is refused, naming it and the flag it was likely meant to be', () => {
    assert.equal(refused('search', '--dbb', 'x'), 'unknown flag --dbb for search (did you mean --db?)');
    assert.equal(refused('search', 'q', '--db', 'i.sqlite', '--jsno'), 'unknown flag --jsno for search (did you mean --json?)');
    assert.equal(refused('index', 'docs', '--db', 'i.sqlite', '--ye'), 'unknown flag --ye for index (did you mean --yes?)');
  });

  test('a flag nothing resembles is refused without a guess; --flag=value is checked too', () => {
    assert.equal(refused('status', '--db', 'i.sqlite', '--verbose'), 'unknown flag --verbose for status');
    assert.equal(refused('search', 'q', '--db', 'i.sqlite', '--limit=5'), 'unknown flag --limit for search');
  });

  test("a sub-command's flag given to another says which takes it", () => {
    assert.equal(refused('models', 'list', '--endpoint', 'https://hf-mirror.com'), 'unknown flag --endpoint for models list (only models get takes it)');
    assert.equal(refused('questions', 'banks', '--bank', 'faq'), 'unknown flag --bank for questions banks (only questions import, ask, dupes, clusters, review, export-pairs, export, sync take it)');
  });

  test('an unknown sub-command is refused with the nearest one; none at all lists them', () => {
    assert.equal(refused('models', 'lst'), 'unknown command "lst" for models (did you mean list?)');
    assert.match(refused('eval', '--model', 'x'), /^eval needs a command: sts, beir, cjk$/);
  });
});

describe('values and arguments', () => {
  test('a string flag without its value, a boolean flag with one', () => {
    assert.equal(refused('search', 'q', '--db'), '--db needs a value (search --db <file>)');
    assert.equal(refused('search', 'q', '--db', '--json'), '--db needs a value (search --db <file>)');
    assert.equal(refused('search', 'q', '--db', 'i.sqlite', '--json=yes'), '--json takes no value (search)');
  });

  test('a missing required flag or argument, and one argument too many', () => {
    assert.equal(refused('search', 'q'), 'search needs --db <file>');
    assert.equal(refused('index', '--db', 'i.sqlite'), 'index needs <folder>');
    assert.equal(refused('similarity', 'one text'), 'similarity needs "<text b>"');
    assert.equal(refused('questions', 'ask', 'how do I reset it'), 'questions ask needs --bank <name>');
    assert.equal(refused('models', 'prune'), 'models prune needs --db <file>');
    assert.equal(refused('index', 'a', 'b', '--db', 'i.sqlite'), 'unexpected argument "b" for index (it takes <folder>)');
    assert.equal(refused('status', 'extra', '--db', 'i.sqlite'), 'unexpected argument "extra" for status');
  });

  test('--flag value and --flag=value are the same; --model takes name@variant as it is', () => {
    const spaced = parse('index', 'docs', '--db', 'i.sqlite', '--model', 'all-MiniLM-L6-v2@exact');
    const joined = parse('index', 'docs', '--db=i.sqlite', '--model=all-MiniLM-L6-v2@exact');
    assert.deepEqual(spaced, joined);
    assert.equal(spaced.flags.get('model'), 'all-MiniLM-L6-v2@exact');
    assert.deepEqual(spaced.positional, ['docs']);
  });

  test('booleans are "true" when present and absent otherwise', () => {
    const line = parse('search', 'q', '--db', 'i.sqlite', '--json', '--exact');
    assert.equal(line.flags.get('json'), 'true');
    assert.equal(line.flags.get('exact'), 'true');
    assert.equal(parse('index', 'docs', '--db', 'i.sqlite').flags.has('yes'), false);
  });
});

describe('what the old parser accepted keeps its meaning', () => {
  test('after --, everything is the query, even words that look like flags or ask for help', () => {
    const line = parse('search', '--db', 'i.sqlite', '--json', '--', '--no-ff', '--help', '-x');
    assert.deepEqual(line.positional, ['--no-ff', '--help', '-x']);
    assert.equal(line.flags.get('db'), 'i.sqlite');
    assert.equal(line.flags.get('json'), 'true');
  });

  test('flags and query words mix in any order; -word (leave out files holding it) is a query word', () => {
    const line = parse('search', 'undo', '--db', 'i.sqlite', 'a commit', '-bisect', '--k', '20');
    assert.deepEqual(line.positional, ['undo', 'a commit', '-bisect']);
    assert.equal(line.flags.get('k'), '20');
  });

  test('a value starting with one dash is a value (and the command refuses it with its reason)', () => {
    assert.equal(parse('search', 'q', '--db', 'i.sqlite', '--k', '-5').flags.get('k'), '-5');
  });

  test('a repeatable flag keeps every value in order; another repeated flag keeps its last', () => {
    const listed = parse('models', 'list', '--db', 'a.sqlite', '--db', 'b.sqlite', '--json');
    assert.equal(listed.sub, 'list');
    assert.deepEqual(listed.lists.get('db'), ['a.sqlite', 'b.sqlite']);
    assert.equal(listed.flags.get('db'), 'b.sqlite');
    const searched = parse('search', 'q', '--db', 'i.sqlite', '--in', 'notes', '--in', 'docs', '--k', '3', '--k', '5');
    assert.deepEqual(searched.lists.get('in'), ['notes', 'docs']);
    assert.equal(searched.flags.get('k'), '5');
    assert.equal(searched.lists.has('k'), false);
    assert.deepEqual(parse('serve', '--folder', 'a', '--folder=b').lists.get('folder'), ['a', 'b']);
  });

  test('sub-commands take their own flags and the command-wide ones', () => {
    const line = parse('questions', 'import', 'faq.csv', '--bank', 'faq', '--no-header', '--data', 'd', '--json');
    assert.equal(line.sub, 'import');
    assert.deepEqual(line.positional, ['faq.csv']);
    assert.deepEqual([...line.flags.keys()].sort(), ['bank', 'data', 'json', 'no-header']);
    assert.deepEqual(parse('questions', 'export-pairs', 'faq', '--out', 'pairs.csv', '--hard-negatives', '2').positional, ['faq']);
    assert.deepEqual(parse('models', 'endpoint').positional, [], 'an optional argument may be left out');
  });
});

describe('the table and the help it prints', () => {
  test('every form names only flags its command declares, and requires only flags it takes', () => {
    for (const [name, spec] of Object.entries(table)) {
      for (const sub of spec.subcommands ? Object.keys(spec.subcommands) : [undefined]) {
        const form = formOf(spec, sub);
        for (const f of form.flags) assert.ok(spec.flags[f], `${name} ${sub ?? ''}: --${f} is not declared`);
        for (const f of form.required) assert.ok(form.flags.includes(f), `${name} ${sub ?? ''}: requires --${f} but does not take it`);
      }
      for (const [f, flag] of Object.entries(spec.flags)) assert.equal(flag.type === 'string', flag.value !== undefined, `${name} --${f}: a value placeholder exactly when it takes a value`);
    }
  });

  test("each command's help shows every flag it parses, a usage line per form and an example", () => {
    for (const [name, spec] of Object.entries(table)) {
      const help = commandHelp(name);
      assert.match(help, new RegExp(`^${name}: ${spec.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\nusage:\\n  npm run trove -- ${name}\\b`));
      for (const f of Object.keys(spec.flags)) assert.match(help, new RegExp(`\\n  --${f}\\b.*  \\S`), `${name} --help lists --${f}`);
      for (const sub of Object.keys(spec.subcommands ?? {})) assert.match(help, new RegExp(`\\n  npm run trove -- ${name} ${sub}\\b`), `${name} --help shows ${sub}`);
      assert.match(help, /\nexample:\n {2}\S/);
    }
    assert.match(commandHelp('search'), /\n {2}--db <file> +the index database/);
    assert.match(commandHelp('search'), /\n {2}-- +ends the options: search -- --no-ff\n/);
    assert.match(overview(), /\n {2}index +index a folder once and print a JSON summary\n/);
  });
});

test('didYouMean: a slip of the fingers or the start of a word, never a wild guess', () => {
  const flags = ['db', 'json', 'hard-negatives', 'exact'];
  assert.equal(didYouMean('dbb', flags), 'db');
  assert.equal(didYouMean('exat', flags), 'exact');
  assert.equal(didYouMean('hard', flags), 'hard-negatives');
  assert.equal(didYouMean('verbose', flags), undefined);
  assert.equal(didYouMean('x', flags), undefined);
});
