/**
 * A memory budget for a helper process, both ends. The parent starts the process with a small V8
 * heap and the budget in its environment (the helper's `memoryMb`: node-child.ts forks with it, Electron
 * main passes it to utilityProcess.fork in src/main/helper-broker.ts); the process checks its
 * resident size often and leaves with EXIT_OVER_MEMORY when it is over, because typed arrays (PDF
 * streams, unzipped parts) live outside the V8 heap limit. Imports nothing, so the parent side can
 * read the exit code without loading what the process runs.
 */

/** Exit code meaning "over the memory budget" (the parent turns it into the reason shown to the user). */
export const EXIT_OVER_MEMORY = 86;

/** Where the parent puts the budget for the process (MB). */
export const MEMORY_BUDGET_ENV = 'TROVE_MEMORY_BUDGET_MB';

/** In the budgeted process: exit with EXIT_OVER_MEMORY once resident memory passes the budget. Returns the budget (MB). */
export function keepWithinMemoryBudget(defaultMb: number, everyMs = 50): number {
  const budgetMb = Number(process.env[MEMORY_BUDGET_ENV]) || defaultMb;
  setInterval(() => {
    if (process.memoryUsage.rss() > budgetMb * 1024 * 1024) process.exit(EXIT_OVER_MEMORY);
  }, everyMs).unref();
  return budgetMb;
}
