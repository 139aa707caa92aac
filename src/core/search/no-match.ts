/**
 * The calibrated "No good matches" line: below this cosine similarity between the query and the best
 * passage, and with no file holding all the query's words, search says that nothing matches well.
 *
 * Chosen per model on ../shared/eval data with `eval beir --cutoff` (SciFact's corpus): the share of
 * SciFact's test claims (each has a relevant abstract) whose best passage falls below the line, against
 * the share of STS-B sentences (news, captions, forums: nothing in a corpus of biomedical abstracts
 * answers them) that fall below it. Rule: the highest line that flags at most 2 % of answerable claims.
 * all-MiniLM-L6-v2 (1,500-document SciFact subset, 300 claims, 500 STS-B dev sentences): 0.30 flags
 * 0.7 % / 92.2 %, 0.35 flags 1.7 % / 96.0 %, 0.40 flags 3.3 % / 99.2 %. Its int8 weights (the default
 * for new indexes; 7-bit, so the same figures on every CPU), same data, 2026-12-07: 0.30 0.3 % / 93.0 %,
 * 0.35 1.3 % / 96.6 %, 0.40 3.0 % / 99.0 % — the same line, so a model's variants share it (the
 * "@variant" is dropped from the id below).
 */
const LINES: Record<string, number> = {
  'all-MiniLM-L6-v2': 0.35,
};

/** The line for a model id ("owner/name", a catalogue name, either with "@variant"); -Infinity for a model not calibrated. */
export function noMatchBelow(modelId: string): number {
  return LINES[modelId.split('@')[0].split('/').at(-1) ?? ''] ?? -Infinity;
}
