/** The span of a passage to highlight: the sentence sharing the most words with the query. */

const STOP = new Set('a an and are as at be by for from has have in is it of on or that the this to was were what which who with how why'.split(' '));
const SENTENCE = /[^.!?。！？\n]+(?:[.!?。！？]+|\n|$)/g;

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
}

export function highlightSpan(passage: string, query: string): { start: number; end: number } {
  const wanted = new Set(words(query));
  // CJK has no spaces: single characters of the query count as words.
  for (const ch of query.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu) ?? []) wanted.add(ch);
  let best = { start: 0, end: passage.length };
  let bestScore = 0;
  for (const m of passage.matchAll(SENTENCE)) {
    const sentence = m[0];
    const tokens = new Set([...words(sentence), ...(sentence.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu) ?? [])]);
    let score = 0;
    for (const w of tokens) if (wanted.has(w)) score++;
    // Ties go to the longer sentence, so a bare heading does not beat the sentence below it.
    score += Math.min(sentence.trim().length, 200) / 1000;
    if (score > bestScore && score >= 1) {
      const lead = sentence.length - sentence.trimStart().length;
      const trail = sentence.length - sentence.trimEnd().length;
      best = { start: m.index! + lead, end: m.index! + sentence.length - trail };
      bestScore = score;
    }
  }
  return best;
}
