/**
 * Progress for long commands, on stderr, so stdout stays the result: on a terminal one line rewritten
 * in place, otherwise whole lines every few seconds, so a log file or a CI job shows "done/total,
 * rate, ETA" too. Every command's progress goes through progressLines.
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

export interface ProgressLines {
  /**
   * A progress line: shown at once the first time, then at most once an interval; `force` shows it
   * anyway (the last count of a run). The line already shown is not shown again.
   */
  show(line: string, force?: boolean): void;
  /** A message on a line of its own (a notice, a figure) that the progress line does not overwrite. */
  say(message: string): void;
  /** The run is over: a line rewritten in place is ended, so what follows starts on a line of its own. */
  end(): void;
}

/** What progress is written to: stderr, or a test's stand-in. */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/**
 * The one progress writer. The interval: `everyMs` (watch: 0, every change), else TROVE_PROGRESS_MS,
 * else 0.2 s on a terminal (the line is rewritten) and 5 s otherwise (each is a new line).
 */
export function progressLines(options: { everyMs?: number; stream?: ProgressStream } = {}): ProgressLines {
  const stream = options.stream ?? process.stderr;
  const inPlace = stream.isTTY === true;
  const everyMs = options.everyMs ?? (Number(process.env.TROVE_PROGRESS_MS) || (inPlace ? 200 : 5000));
  const CLEAR = '\r\x1b[K';
  let last = -Infinity;
  let shown: string | null = null;
  /** A line is on the terminal, rewritten in place and not yet ended. */
  let open = false;
  return {
    show(line, force = false) {
      const now = Date.now();
      if (line === shown || (!force && now - last < everyMs)) return;
      last = now;
      shown = line;
      if (inPlace) {
        stream.write(CLEAR + line);
        open = true;
      } else stream.write(line + '\n');
    },
    say(message) {
      if (!open) return void stream.write(message + '\n');
      stream.write(`${CLEAR}${message}\n${shown ?? ''}`);
    },
    end() {
      if (open) stream.write('\n');
      open = false;
      shown = null;
    },
  };
}
