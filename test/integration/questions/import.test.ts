/**
 * Importing real files written to a temp folder, with the real model: formats, encodings, bad input
 * reported by row, re-import embedding only what changed, sync, export, rename/delete, model change.
 */
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { QuestionService } from '../../../src/shared/questions';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { closeEngine, countingEmbedder, tempDir } from './helpers';
import { inlineRow, xlsxBytes } from '../../support/xlsx';

const tmp = tempDir();
after(async () => {
  await closeEngine();
  tmp.cleanup();
});

let n = 0;
function setup(embedder = countingEmbedder()): { service: QuestionService; embedder: ReturnType<typeof countingEmbedder>; dir: string; file: (name: string, data: string | Buffer) => string } {
  const dir = join(tmp.dir, `case-${++n}`);
  const service = createQuestionService({ dataDir: join(dir, 'data'), embedder });
  return {
    service,
    embedder,
    dir,
    file: (name, data) => {
      const p = join(tmp.dir, `${n}-${name}`);
      writeFileSync(p, data);
      return p;
    },
  };
}

const FAQ_CSV = [
  'id,question,answer',
  '1,How do I reset my password?,"Open Settings, then ""Account"", then Reset."',
  '2,"Where can I download my invoices?","Billing page,\nunder Invoices."',
  '3,Can I change the email address on my account?,Yes: Settings > Account > Email.',
  '4,How do I cancel my subscription?,Billing > Cancel.',
].join('\r\n');

describe('import', () => {
  test('CSV with header, quoted fields, answer and id columns; ask finds the paraphrase with its answer', async () => {
    const { service, file } = setup();
    const r = await service.importFile(file('faq.csv', FAQ_CSV), { bank: 'support', columns: { question: 'question', answer: 'answer', id: 'id' } });
    assert.equal(r.added, 4);
    assert.deepEqual(r.skipped, []);
    const hits = await service.ask('support', 'I forgot my password, how can I set a new one?', { k: 2 });
    assert.equal(hits[0].externalId, '1');
    assert.equal(hits[0].answer, 'Open Settings, then "Account", then Reset.');
    assert.ok(hits[0].score > hits[1].score);
    const same = await service.ask('support', 'How do I reset my password?', { k: 1 });
    assert.equal(same[0].kind, 'same');
    assert.equal((await service.ask('support', 'What is the capital of Peru?', { k: 1, sameThreshold: 0.8 }))[0].kind, 'related');
    const inv = await service.ask('support', 'invoice download', { k: 1 });
    assert.equal(inv[0].answer, 'Billing page,\nunder Invoices.');
    await service.close();
  });

  test('a column that does not exist: a clear error naming the columns, nothing imported', async () => {
    const { service, file } = setup();
    await assert.rejects(service.importFile(file('faq.csv', FAQ_CSV), { bank: 'x', columns: { question: 'Frage' } }), (err: Error) => {
      assert.match(err.message, /question column "Frage" does not exist/);
      assert.match(err.message, /"id" \(0\), "question" \(1\), "answer" \(2\)/);
      return true;
    });
    assert.deepEqual(await service.listBanks(), []);
    await service.close();
  });

  test('ragged rows, empty rows and duplicate ids are reported by row; the rest is imported', async () => {
    const { service, file } = setup();
    const csv = ['id,question,answer', '1,What time do you open?,9am', '', '2,Do you deliver on Sundays?', '3,Is parking free?,Yes,extra', ',,', '1,What time do you close?,6pm', '4,   ,no question', '5,Can I pay by card?,Yes'].join('\n');
    const r = await service.importFile(file('bad.csv', csv), { bank: 'shop' });
    assert.equal(r.added, 2);
    assert.deepEqual(
      r.skipped.map((s) => s.row),
      [3, 4, 5, 6, 7, 8],
    );
    const reason = (row: number) => r.skipped.find((s) => s.row === row)!.reason;
    assert.match(reason(3), /empty row/);
    assert.match(reason(4), /ragged row: 2 fields, expected 3/);
    assert.match(reason(5), /ragged row: 4 fields, expected 3/);
    assert.match(reason(6), /empty row/);
    assert.match(reason(7), /duplicate id "1" \(first on row 2\)/);
    assert.match(reason(8), /empty question/);
    await service.close();
  });

  test('a binary file named .csv is refused with a reason', async () => {
    const { service, file } = setup();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    await assert.rejects(service.importFile(file('photo.csv', png), { bank: 'b' }), /not a text file: it is a PNG image/);
    const junk = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    await assert.rejects(service.importFile(file('junk.csv', junk), { bank: 'b' }), /not a text file/);
    assert.deepEqual(await service.listBanks(), []);
    await service.close();
  });

  test('GBK CSV, Shift-JIS TXT, UTF-16LE TSV and UTF-8 with BOM are decoded', async () => {
    const { service, file } = setup();
    const zh = ['问题,答案', '如何重置我的密码？,打开设置页面，然后选择账户。', '我可以在哪里下载发票？,在账单页面的发票部分。', '你们周末营业吗？,周六营业，周日休息。'].join('\r\n');
    const gbk = await service.importFile(file('zh.csv', iconv.encode(zh, 'gbk')), { bank: 'zh' });
    assert.match(gbk.encoding, /GB/i);
    assert.equal(gbk.added, 3);
    const zhHit = await service.ask('zh', '如何重置我的密码？', { k: 1 });
    assert.equal(zhHit[0].question, '如何重置我的密码？');
    assert.equal(zhHit[0].answer, '打开设置页面，然后选择账户。');

    const ja = ['パスワードをリセットするにはどうすればいいですか？', '請求書はどこでダウンロードできますか？', '週末は営業していますか？', '東京駅からの行き方を教えてください。'].join('\n');
    const sjis = await service.importFile(file('ja.txt', iconv.encode(ja, 'Shift_JIS')), { bank: 'ja' });
    assert.match(sjis.encoding, /Shift_JIS/i);
    const jaHit = await service.ask('ja', '週末は営業していますか？', { k: 1 });
    assert.equal(jaHit[0].question, '週末は営業していますか？');

    const tsv = 'question\tanswer\nWhere is the café?\tNext to the museum.\n';
    const u16 = await service.importFile(file('u16.tsv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(tsv, 'utf-16le')])), { bank: 'u16' });
    assert.equal(u16.encoding, 'UTF-16LE');
    assert.equal((await service.ask('u16', 'café', { k: 1 }))[0].question, 'Where is the café?');

    const bom = await service.importFile(file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('question\nNaïve question?\n')])), { bank: 'bom' });
    assert.equal(bom.added, 1);
    assert.equal((await service.ask('bom', 'naive', { k: 1 }))[0].question, 'Naïve question?');
    await service.close();
  });

  test('re-import embeds only new and changed questions; sync removes what the file dropped', async () => {
    const { service, embedder, file } = setup();
    const v1 = ['id,question,answer', '1,How do I reset my password?,Settings', '2,Where are my invoices?,Billing', '3,Do you ship abroad?,Yes', '4,How long does delivery take?,3 days'].join('\n');
    const path = file('bank.csv', v1);
    const first = await service.importFile(path, { bank: 'b' });
    assert.equal(first.embedded, 4);
    embedder.texts.length = 0;
    const again = await service.importFile(path, { bank: 'b' });
    assert.deepEqual([again.added, again.updated, again.unchanged, again.embedded], [0, 0, 4, 0]);
    assert.deepEqual(embedder.texts, []);
    // Row 2: question reworded; row 3: answer only; row 4 gone; row 5 new.
    const v2 = ['id,question,answer', '1,How do I reset my password?,Settings', '2,Where can I find my invoices?,Billing', '3,Do you ship abroad?,"Yes, to 30 countries"', '5,Can I return an item?,Within 30 days'].join('\n');
    writeFileSync(path, v2);
    const r = await service.sync('b');
    assert.deepEqual(embedder.texts.sort(), ['Can I return an item?', 'Where can I find my invoices?']);
    assert.deepEqual([r.added, r.updated, r.unchanged, r.removed], [1, 2, 1, 1]);
    assert.equal(r.bank.size, 4);
    const hit = await service.ask('b', 'Do you ship to other countries?', { k: 1 });
    assert.equal(hit[0].answer, 'Yes, to 30 countries');
    assert.ok(!(await service.ask('b', 'delivery time', { k: 4 })).some((h) => h.externalId === '4'));
    await service.close();
  });

  test('a 10,000-character question is kept in full and reported as read only in part', async () => {
    const { service, file } = setup();
    const long = 'Why does the heating system make a knocking noise at night? '.repeat(170).trim().slice(0, 10000);
    const r = await service.importFile(file('long.jsonl', [JSON.stringify({ question: 'Short one?' }), JSON.stringify({ question: long }), '{not json'].join('\n')), { bank: 'l' });
    assert.equal(r.added, 2);
    assert.deepEqual(r.truncated, [2]);
    assert.deepEqual(r.skipped.map((s) => s.row), [3]);
    assert.match(r.skipped[0].reason, /not valid JSON/);
    const hit = await service.ask('l', 'knocking noise from the heating at night', { k: 1 });
    assert.equal(hit[0].question.length, 10000);
    await service.close();
  });

  test('XLSX (column by index), Markdown FAQ and JSON', async () => {
    const { service, file } = setup();
    // Written by ExcelJS 4.4 (sheet "FAQ": Ref/Q/A, a1, an empty row 3, a2), kept since ExcelJS was dropped.
    const xlsx = join(import.meta.dirname, '..', '..', 'fixtures', 'questions', 'exceljs-written.xlsx');
    const x = await service.importFile(xlsx, { bank: 'x', columns: { question: 1, answer: 2, id: 0 }, header: true });
    assert.equal(x.added, 2);
    assert.deepEqual(x.skipped, [{ row: 3, reason: 'empty row' }]);
    assert.equal((await service.ask('x', 'reserve a conference room', { k: 1 }))[0].answer, 'Use the calendar.');

    const md = ['# Help', '', 'Intro text.', '', '## How do I install it?', '', 'Run the installer.', '', '```', '## not a heading', '```', '', '## How do I uninstall it?', 'Drag it to the bin.', ''].join('\n');
    const m = await service.importFile(file('faq.md', md), { bank: 'md' });
    assert.equal(m.added, 2);
    const mh = await service.ask('md', 'installation steps', { k: 1 });
    assert.equal(mh[0].question, 'How do I install it?');
    assert.equal(mh[0].answer, 'Run the installer.\n\n```\n## not a heading\n```');

    const j = await service.importFile(file('q.json', JSON.stringify({ items: [{ q: 'Is there a free trial?', a: '14 days' }, 'Do you offer discounts for students?', 42] })), { bank: 'j' });
    assert.equal(j.added, 2);
    assert.deepEqual(j.skipped.map((s) => s.row), [3]);
    await service.close();
  });

  test('XLSX: a sheet picked by name, a rich-text question from the shared strings; a missing sheet names the sheets', async () => {
    const { service, file } = setup();
    const shared = ['<t>Frage</t>', '<t>Antwort</t>', '<r><rPr><b/></rPr><t xml:space="preserve">Wie setze ich </t></r><r><t>mein Passwort zurück?</t></r>', '<t>Unter Einstellungen &gt; Konto.</t>'];
    const path = file(
      'fragen.xlsx',
      xlsxBytes({
        sheets: [
          { name: 'Notizen', rows: inlineRow(1, ['not a question bank']) },
          { name: 'Fragen', rows: '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>' },
        ],
        sharedStrings: shared,
      }),
    );
    const r = await service.importFile(path, { bank: 'de', sheet: 'Fragen', columns: { question: 'Frage', answer: 'Antwort' } });
    assert.equal(r.added, 1);
    const hit = await service.ask('de', 'Passwort zurücksetzen', { k: 1 });
    assert.equal(hit[0].question, 'Wie setze ich mein Passwort zurück?');
    assert.equal(hit[0].answer, 'Unter Einstellungen > Konto.');
    await assert.rejects(service.importFile(path, { bank: 'x', sheet: 'Questions' }), /sheet "Questions" not found; the workbook has "Notizen", "Fragen"/);
    await service.close();
  });

  test('banks: rename, export (CSV round trip), delete; a bank of another model is re-embedded, never mixed', async () => {
    const { service, file, dir } = setup();
    await service.importFile(file('faq.csv', FAQ_CSV), { bank: 'one' });
    await service.renameBank('one', 'two');
    await assert.rejects(service.ask('one', 'x'), /no question bank named "one"/);
    const out = join(dir + '-export.csv');
    assert.equal(await service.exportBank('two', out), 4);
    const r = await service.importFile(out, { bank: 'copy' });
    assert.equal(r.added, 4);
    const a = await service.ask('copy', 'cancel subscription', { k: 1 });
    assert.equal(a[0].answer, 'Billing > Cancel.');
    assert.match(readFileSync(out, 'utf8'), /"Open Settings, then ""Account"", then Reset\."/);
    await service.deleteBank('copy');
    assert.deepEqual((await service.listBanks()).map((b) => b.name), ['two']);
    await service.close();

    const other = countingEmbedder(undefined, 'some/other-model');
    const s2 = createQuestionService({ dataDir: join(dir, 'data'), embedder: other });
    await s2.ask('two', 'password', { k: 1 });
    assert.equal(other.texts.length, 4 + 1, 'all four stored questions re-embedded, then the query');
    assert.equal((await s2.listBanks())[0].modelId, 'some/other-model');
    await s2.close();
  });

  test('duplicates with review state, merge; clusters labelled by their most central question', async () => {
    const { service, file } = setup();
    const qs = ['How do I reset my password?', 'How can I reset my password?', 'How do I change my password?', 'Where is my invoice?', 'Where can I find my invoice?', 'What is the weather like in Oslo?'];
    await service.importFile(file('d.txt', qs.join('\n')), { bank: 'd' });
    const dupes = await service.duplicates('d', { threshold: 0.85 });
    assert.ok(dupes.length >= 2);
    assert.ok(dupes.every((p, i) => i === 0 || dupes[i - 1].score >= p.score));
    const pw = dupes.find((p) => p.a.question === qs[0] && p.b.question === qs[1]);
    assert.ok(pw, 'the two reset-password questions pair up');
    await service.reviewPair('d', pw.a.id, pw.b.id, 'dismiss');
    assert.equal((await service.duplicates('d')).find((p) => p.a.id === pw.a.id && p.b.id === pw.b.id)?.decision, 'dismiss');
    const inv = (await service.duplicates('d', { threshold: 0.7 })).find((p) => p.a.question.includes('invoice') && p.b.question.includes('invoice'))!;
    assert.ok(inv, 'the two invoice questions pair up at 0.7');
    await service.reviewPair('d', inv.a.id, inv.b.id, 'merge');
    assert.equal((await service.listBanks())[0].size, 5);
    const clusters = await service.clusters('d', { threshold: 0.75, minSize: 2 });
    assert.ok(clusters.length >= 1);
    assert.match(clusters[0].label.question, /password/);
    assert.equal(clusters[0].members[0].id, clusters[0].label.id);
    const pairsFile = join(tmp.dir, `${n}-pairs.csv`);
    const written = await service.exportDuplicates('d', pairsFile, { threshold: 0.85 });
    const lines = readFileSync(pairsFile, 'utf8').trim().split('\r\n');
    assert.equal(lines[0], 'score,a_id,a_question,b_id,b_question,decision');
    assert.equal(lines.length, written + 1);
    assert.ok(lines.some((l) => l.endsWith(',dismiss')), 'the review decision is exported');
    const clustersFile = join(tmp.dir, `${n}-clusters.jsonl`);
    const members = await service.exportClusters('d', clustersFile, { threshold: 0.75, minSize: 2 });
    const first = JSON.parse(readFileSync(clustersFile, 'utf8').split('\n')[0]);
    assert.equal(members, clusters.reduce((a, c) => a + c.size, 0));
    assert.deepEqual([first.cluster, first.rank, first.question], [1, 1, clusters[0].label.question]);
    await service.close();
  });
});
