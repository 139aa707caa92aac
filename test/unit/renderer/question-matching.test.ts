/** The Questions view's small rules: same vs related, file bytes as base64, a bank name from a file name. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bankNameFor, bytesToBase64, formatScore, matchKind } from '../../../src/renderer/lib/question-matching';
import { columnChoice, columnRef, decodeUpload } from '../../../src/core/questions/questions-api';
import { validateArgs } from '../../../src/shared/api';

test('a match at or above the threshold is the same question, below it related', () => {
  assert.equal(matchKind(0.8, 0.8), 'same');
  assert.equal(matchKind(0.7999, 0.8), 'related');
  assert.equal(matchKind(0.95, 1), 'related');
});

test('bytes become the same base64 as Node makes, across slice boundaries and for every byte value', () => {
  const bytes = new Uint8Array(0x8000 * 2 + 7).map((_, i) => (i * 31) % 256);
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(bytesToBase64(new Uint8Array()), '');
  assert.deepEqual(decodeUpload(bytesToBase64(bytes)), Buffer.from(bytes));
});

test('an empty upload is refused', () => {
  assert.throws(() => decodeUpload(''), /the file is empty/);
});

test('a bank is named after its file without the extension', () => {
  assert.equal(bankNameFor('faq-2026.csv'), 'faq-2026');
  assert.equal(bankNameFor('C:\\\\data\\\\常见问题.xlsx'), '常见问题');
  assert.equal(bankNameFor('.csv'), '.csv');
  assert.equal(formatScore(0.8567), '0.86');
});

test('column fields: a number counts from 1, a name is a header, blank means guess', () => {
  assert.equal(columnRef('1'), 0);
  assert.equal(columnRef(' 3 '), 2);
  assert.equal(columnRef('Question'), 'Question');
  assert.equal(columnRef('0'), '0');
  assert.equal(columnRef('  '), undefined);
  assert.deepEqual(columnChoice({ bank: 'b', questionColumn: 'q', answerColumn: '', idColumn: '2' }), { question: 'q', id: 1 });
});

test('the API refuses bad question-bank arguments before they reach the engine', () => {
  assert.throws(() => validateArgs('importBank', ['a.csv', 'x', { bank: 'b' }]), /not valid base64/);
  assert.throws(() => validateArgs('importBank', ['a.csv', 'QUJD', { bank: 'b', extra: 1 }]), /extra/);
  assert.throws(() => validateArgs('reviewDuplicate', ['b', 0, 2, 'keep']), /reviewDuplicate: argument 1/);
  assert.throws(() => validateArgs('addQuestion', ['b', '']), /text is empty/);
  assert.deepEqual(validateArgs('reviewDuplicate', ['b', 1, 2, null]), ['b', 1, 2, null]);
  assert.deepEqual(validateArgs('importBank', ['a.csv', 'QUJD', { bank: 'b' }]), ['a.csv', 'QUJD', { bank: 'b' }]);
});
