import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairRetrieval } from '../../../src/core/eval/pair-retrieval';

test('the Chinese retrieval check: every distinct sentence a document, each with a gold-5 partner a query for it, both ways', () => {
  const check = pairRetrieval([
    { a: '一个人在切洋葱。', b: '男人切洋葱。', score: 5 },
    { a: '一男一女在雨中跳舞。', b: '一男一女在雨中跳舞。', score: 5 },
    { a: '一个人在切洋葱。', b: '一个女人在切土豆。', score: 2 },
    { a: '猫在睡觉。', b: '一只猫在睡觉。', score: 4 },
  ]);
  assert.deepEqual([...check.docs.values()], ['一个人在切洋葱。', '男人切洋葱。', '一男一女在雨中跳舞。', '一个女人在切土豆。', '猫在睡觉。', '一只猫在睡觉。']);
  // A sentence paired with itself asks nothing (its own file is left out of its ranking); gold 2 and 4 are not the same meaning.
  assert.deepEqual(
    [...check.relevant].map(([q, d]) => [q, [...d]]),
    [
      ['s0', ['s1']],
      ['s1', ['s0']],
    ],
  );
  assert.equal(pairRetrieval([{ a: '猫在睡觉。', b: '一只猫在睡觉。', score: 4 }], 4).relevant.size, 2, '--gold 4 counts close paraphrases too');
});
