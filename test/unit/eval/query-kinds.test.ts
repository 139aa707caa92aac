/**
 * The eval's kinds of query, on SciFact's own claims (../shared/eval/scifact/queries.jsonl): the split
 * the closing figures are reported by must put names and numbers on one side and plain claims on the other.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { queryKinds, readBeir } from '../../../src/core/eval/beir';

const scifact = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'scifact');
const { queries, qrels } = readBeir(scifact);
const kindOf = (id: string) => queryKinds(queries.get(id)!);

test('claims naming genes, doses, abbreviations or numbers are one kind; plain claims another', () => {
  assert.match(queries.get('2')!, /PrP/);
  assert.equal(kindOf('2')[0], 'names, numbers or symbols'); // "1 in 5 million in UK have abnormal PrP positivity."
  assert.equal(kindOf('12')[0], 'names, numbers or symbols'); // "40mg/day dosage of folic acid … (CKD) progression."
  assert.equal(queryKinds('Long-term aspirin use lowers the risk of colorectal cancer.')[0], 'plain words');
  assert.equal(queryKinds('mTOR inhibition extends lifespan.')[0], 'names, numbers or symbols');
});

test('every judged claim has one kind of each pair, and each kind holds a real share of the test set', () => {
  const counts = new Map<string, number>();
  for (const id of qrels.keys()) {
    const kinds = kindOf(id);
    assert.equal(kinds.length, 2);
    for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.equal(counts.get('names, numbers or symbols')! + counts.get('plain words')!, qrels.size);
  assert.equal(counts.get('short (8 words or fewer)')! + counts.get('long (more than 8 words)')!, qrels.size);
  for (const [kind, n] of counts) assert.ok(n >= 30, `${kind}: ${n} of ${qrels.size}`);
});
