/**
 * One call for a burst of pokes: the first at once, the rest of an interval's pokes as one call at its
 * end. Index-changed events go through it: each makes every window re-list the folders and run its
 * search again, so a pass over a folder announces a few times a second, not once per batch and file.
 */
export class Coalesced {
  private timer: NodeJS.Timeout | null = null;
  private lastAt = -Infinity;

  constructor(
    private readonly fire: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Something changed: call now if the last call is an interval old, else once when it is. */
  poke(): void {
    if (this.timer) return;
    const wait = this.lastAt + this.intervalMs - Date.now();
    if (wait <= 0) return this.run();
    this.timer = setTimeout(() => this.run(), wait);
    this.timer.unref();
  }

  /** Make the pending call now (a pass ended: whoever waits for idle sees its last change announced). */
  flush(): void {
    if (this.timer) this.run();
  }

  /** Drop the pending call (nobody is listening any more). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastAt = Date.now();
    this.fire();
  }
}
