/**
 * Progress for long commands, on stderr, as whole lines every few seconds, whether or not stderr is a
 * terminal: a log file or a CI job shows "done/total, rate, ETA" too, and stdout stays the result.
 */
import { formatDuration } from '../shared/durations';

export interface ProgressLine {
  /** What is counted ("rows", "files"). */
  unit: string;
  done: number;
  /** null when the total is not known. */
  total: number | null;
  /** Units per second. */
  rate: number;
  /** Seconds left; null when not yet known. */
  etaSeconds: number | null;
}

export function formatProgressLine(label: string, p: ProgressLine): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const of = p.total !== null ? `${n(p.done)}/${n(p.total)} ${p.unit} (${Math.min(100, Math.floor((100 * p.done) / Math.max(1, p.total)))}%)` : `${n(p.done)} ${p.unit}`;
  const eta = p.etaSeconds === null ? 'ETA unknown' : `ETA ${formatDuration(p.etaSeconds)}`;
  return `${label}: ${of}, ${p.rate >= 10 ? Math.round(p.rate) : p.rate.toFixed(1)} ${p.unit}/s, ${eta}`;
}

/** A writer that lets a line through at most every `everyMs` (the first at once). */
export function throttledLines(write: (line: string) => void, everyMs = 5000): (line: string) => void {
  let last = -Infinity;
  return (line) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    write(line);
  };
}
