/**
 * Which field of a table row (or key of a JSON object) holds the question, answer and id: the user's
 * choice by header name or 0-based index, else a header that looks like one. A choice that matches no
 * column is an error naming the columns there are, raised before anything is imported.
 */
import type { ColumnChoice } from '../../shared/questions';

export class ColumnError extends Error {
  override name = 'ColumnError';
}

export interface ResolvedColumns {
  question: number;
  answer: number | null;
  id: number | null;
}

const NAMES = {
  question: /^(questions?|q|query|prompt|title|text|question_text|frage|pregunta|问题|問題|提问|質問|질문)$/i,
  answer: /^(answers?|a|response|reply|answer_text|antwort|respuesta|答案|回答|答复|答え|답변)$/i,
  id: /^(id|qid|question_id|key|ref)$/i,
};

/** Does this first row look like a header (a cell named like question/answer/id, or a chosen name)? */
export function looksLikeHeader(cells: string[], choice: ColumnChoice): boolean {
  const norm = cells.map((c) => c.trim().toLowerCase());
  const named = [choice.question, choice.answer, choice.id].filter((c): c is string => typeof c === 'string' && !/^\d+$/.test(c));
  if (named.some((n) => norm.includes(n.trim().toLowerCase()))) return true;
  return norm.some((c) => NAMES.question.test(c)) && cells.every((c) => c.trim() !== '');
}

/** Does the choice name columns (so the file must have a header)? */
export function choiceNeedsHeader(choice: ColumnChoice): boolean {
  return [choice.question, choice.answer, choice.id].some((c) => typeof c === 'string' && !/^\d+$/.test(c));
}

function describe(header: string[] | null, width: number): string {
  const byIndex = `0–${Math.max(0, width - 1)} by index`;
  if (!header) return `the file has no header row; its ${width} column${width === 1 ? '' : 's'} can be picked ${byIndex}`;
  return `the columns are ${header.map((h, i) => `"${h}" (${i})`).join(', ')}; pick one by name or ${byIndex}`;
}

function pick(which: keyof ResolvedColumns, want: string | number | undefined, header: string[] | null, width: number): number | null {
  if (want === undefined || want === '') {
    if (!header) return which === 'question' ? 0 : null;
    const found = header.findIndex((h) => NAMES[which].test(h.trim()));
    if (found >= 0) return found;
    return which === 'question' ? 0 : null;
  }
  if (typeof want === 'string' && header) {
    const i = header.findIndex((h) => h.trim().toLowerCase() === want.trim().toLowerCase());
    if (i >= 0) return i;
  }
  const asIndex = typeof want === 'number' ? want : /^\d+$/.test(want) ? Number(want) : NaN;
  if (Number.isInteger(asIndex) && asIndex >= 0 && asIndex < width) return asIndex;
  throw new ColumnError(`${which} column "${want}" does not exist: ${describe(header, width)}`);
}

export function resolveColumns(header: string[] | null, width: number, choice: ColumnChoice): ResolvedColumns {
  const question = pick('question', choice.question, header, width)!;
  const answer = pick('answer', choice.answer, header, width);
  const id = pick('id', choice.id, header, width);
  if (answer === question && choice.answer === undefined) return { question, answer: null, id: id === question ? null : id };
  return { question, answer, id: id === question && choice.id === undefined ? null : id };
}

/** For JSON objects: the key holding each field. */
export function resolveKeys(keys: string[], choice: ColumnChoice): { question: string; answer: string | null; id: string | null } {
  const r = resolveColumns(keys, keys.length, choice);
  return { question: keys[r.question], answer: r.answer === null ? null : keys[r.answer], id: r.id === null ? null : keys[r.id] };
}
