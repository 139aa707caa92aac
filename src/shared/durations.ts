/** How long something will take, the same words in the UI and on the command line. No node:*. */

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min" (units that read the same in English and Chinese). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
