/** Small pure helpers of the Questions view, tested in Node (test/unit/renderer). */

/** A match counts as the same question at or above the threshold the user chose, else as related. */
export function matchKind(score: number, sameThreshold: number): 'same' | 'related' {
  return score >= sameThreshold ? 'same' : 'related';
}

/** Bytes as base64, in slices so a large file never becomes one giant argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

/** A bank name from a file name: "faq-2026.csv" → "faq-2026". */
export function bankNameFor(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).trim() || 'questions';
}

/** Two decimals, as scores are shown everywhere in the UI. */
export const formatScore = (score: number): string => score.toFixed(2);

/** A rate with the precision that matters: 0.4, 3.5, 27, 1,200. */
export const formatRate = (perSecond: number): string => (perSecond >= 10 ? Math.round(perSecond).toLocaleString() : perSecond.toFixed(1));
