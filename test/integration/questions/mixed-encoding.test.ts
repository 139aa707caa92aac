/**
 * Issue 12 item 7: a CSV put together from differently encoded sources — French and German rows in
 * Latin-1, Japanese in Shift-JIS, Chinese in UTF-8 (apt's own translations of its messages, see
 * test/fixtures/questions/README.md) — is imported with every row's text intact, the report names the
 * encodings it found, and a row no encoding fits is refused by its line number instead of stored as
 * mojibake. The same rows as a TXT file, one question a line, read the same.
 */
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { closeEngine, sharedEngine, tempDir } from './helpers';

interface Translation {
  en: string;
  fr: string;
  de: string;
  ja: string;
  zh: string;
}

const translations = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'questions', 'apt-translations.json'), 'utf8')) as Translation[];
const ROWS: Array<[keyof Translation, string]> = [
  ['fr', 'latin1'],
  ['ja', 'shift_jis'],
  ['de', 'latin1'],
  ['zh', 'utf8'],
];
/** Bytes that are no encoding's text: C1 controls in Latin-1, invalid in UTF-8, Shift-JIS and GBK. */
const GARBAGE = Buffer.from([0x80, 0x81, 0x8d, 0xff, 0xfe, 0x8f, 0x90]);

const tmp = tempDir();
after(async () => {
  await closeEngine();
  tmp.cleanup();
});

function mixedFile(name: string, line: (id: string, t: Translation, lang: keyof Translation) => string, header: string | null): { file: string; expected: Map<string, string>; garbageLine: number } {
  const parts: Buffer[] = header ? [Buffer.from(header + '\n')] : [];
  const expected = new Map<string, string>();
  translations.forEach((t, i) => {
    for (const [lang, encoding] of ROWS) {
      const id = `${lang}-${i + 1}`;
      expected.set(id, t[lang]);
      parts.push(iconv.encode(line(id, t, lang) + '\n', encoding));
    }
  });
  parts.push(Buffer.concat([Buffer.from('garbage,'), GARBAGE, Buffer.from(',x\n')]));
  const file = join(tmp.dir, name);
  writeFileSync(file, Buffer.concat(parts));
  return { file, expected, garbageLine: parts.length };
}

test('a CSV with Latin-1, Shift-JIS and UTF-8 rows keeps every row’s text; an undecodable row is refused by line', async () => {
  const { file, expected, garbageLine } = mixedFile('apt-messages.csv', (id, t, lang) => `${id},"${t[lang]}","${t.en}"`, 'id,question,answer');
  const service = createQuestionService({ dataDir: join(tmp.dir, 'data'), embedder: sharedEngine() });
  try {
    const report = await service.importFile(file, { bank: 'apt' });
    assert.equal(report.added, expected.size);
    assert.match(report.encoding, /^mixed by row: /);
    for (const enc of ['windows-1252', 'Shift_JIS', 'UTF-8']) assert.ok(report.encoding.includes(enc), `${enc} in "${report.encoding}"`);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0].row, garbageLine);
    assert.match(report.skipped[0].reason, /could not be decoded: not UTF-8, and no encoding fits it \(bytes 80 81 8d ff fe 8f 90/);

    const out = join(tmp.dir, 'apt-export.jsonl');
    await service.exportBank('apt', out);
    const stored = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; question: string })
        .map((r) => [r.id, r.question]),
    );
    assert.deepEqual(stored, expected);

    // And the text is what it means: a German question finds its row in the bank.
    const [hit] = await service.ask('apt', 'Möchten Sie fortfahren?', { k: 1 });
    assert.equal(hit.question, 'Möchten Sie fortfahren?');
  } finally {
    await service.close();
  }
});

test('the same rows as a TXT file, one question a line, read the same', async () => {
  const { file, expected, garbageLine } = mixedFile('apt-messages.txt', (_id, t, lang) => t[lang], null);
  const service = createQuestionService({ dataDir: join(tmp.dir, 'data-txt'), embedder: sharedEngine() });
  try {
    const report = await service.importFile(file, { bank: 'apt' });
    const unique = new Set(expected.values());
    assert.equal(report.added, unique.size);
    // apt translates two messages alike in Japanese and Chinese: those lines are duplicates, not decoding faults.
    const [undecodable, ...rest] = report.skipped.sort((a, b) => b.row - a.row);
    assert.equal(undecodable.row, garbageLine);
    assert.match(undecodable.reason, /could not be decoded/);
    assert.equal(rest.length, expected.size - unique.size);
    for (const s of rest) assert.match(s.reason, /duplicate question/);
    const out = join(tmp.dir, 'apt-export-txt.jsonl');
    await service.exportBank('apt', out);
    const questions = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { question: string }).question);
    assert.deepEqual(new Set(questions), unique);
  } finally {
    await service.close();
  }
});
