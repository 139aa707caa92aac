/**
 * A folder of Chinese and English documents made of real sentences from the Chinese STS-B and the
 * English STS-B (../shared/eval), shared by the tests that search it across languages: each document
 * is both sentences of one STS-B pair (one topic); only one document in either language is about
 * pandas or zebras.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const evalDir = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval');
export const zhLines = readFileSync(join(evalDir, 'stsb-zh', 'test.tsv'), 'utf8').split('\n');
const enLines = readFileSync(join(evalDir, 'stsb', 'sts-test.csv'), 'utf8').split('\n');
/** Sentence 1 or 2 of a line (1-based) of the Chinese or English STS-B test file. */
export const zh = (line: number, which: 1 | 2 = 1) => zhLines[line - 1].split('\t')[which - 1];
export const en = (line: number, which: 1 | 2 = 1) => enLines[line - 1].split('\t')[4 + which];

const pair = (f: (l: number, w: 1 | 2) => string, l: number) => `${f(l, 1)}\n${f(l, 2)}`;
export const docs: Record<string, string> = {
  'zh-panda.txt': pair(zh, 15),
  'zh-soccer.txt': pair(zh, 2),
  'zh-bicycle.txt': pair(zh, 7),
  'zh-rain.txt': pair(zh, 29),
  'zh-cat.txt': pair(zh, 25),
  'en-zebras.txt': pair(en, 23),
  'en-drums.txt': pair(en, 8),
  'en-car.txt': pair(en, 20),
  'en-ankle.txt': pair(en, 3),
  'en-singing.txt': pair(en, 30),
};
export const englishQuery = en(17, 2); // "A panda slides down a slide."
export const chineseQuery = zh(1183, 2); // "两只斑马正在一个场地上玩耍。" (two zebras playing in a field)
