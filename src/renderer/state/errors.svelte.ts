/** Messages from failed API calls, shown in a banner until dismissed: never only in the console. */
export const errors = $state({ list: [] as { id: number; message: string }[] });

let nextId = 1;

export function reportError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors thrown in a handler with "Error invoking remote method 'trove:x': Error: ".
  const clean = message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
  if (errors.list.some((e) => e.message === clean)) return;
  errors.list.push({ id: nextId++, message: clean });
}

export function dismissError(id: number): void {
  errors.list = errors.list.filter((e) => e.id !== id);
}

/** Runs an API call; a failure becomes a visible message and `undefined`. */
export async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    reportError(err);
    return undefined;
  }
}
