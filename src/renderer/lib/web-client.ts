/**
 * The browser side of the web host: each API method is a `POST /api/<method>` with the argument list
 * as JSON, events arrive over server-sent events. The access token comes from the URL the host printed;
 * the host also sets it as a cookie, so reloading the page without `?token=` keeps working.
 */
import { apiMethods, type ApiMethod, type EventName, type TroveEvents } from '../../shared/api';
import type { TroveClient } from '../../shared/bridge';
import { EVENTS_ROUTE, eventNames, methodRoute, type WireError } from '../../shared/channels';

/** An error the engine reported; `name` says what kind ("InvalidArgumentsError", ...). */
export class ApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function createWebClient(location: Pick<Location, 'search' | 'origin'>): TroveClient {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['x-trove-token'] = token;

  async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(methodRoute(method), { method: 'POST', headers, body: JSON.stringify(args), credentials: 'same-origin' });
    } catch {
      throw new ApiError('ConnectionError', 'Cannot reach the Trove web host. Is `npm run serve` still running?');
    }
    const body = (await res.json().catch(() => null)) as { result?: unknown; error?: WireError } | null;
    if (!res.ok || !body || body.error) {
      const err = body?.error ?? { name: 'Error', message: `${res.status} ${res.statusText}` };
      throw new ApiError(err.name, err.message);
    }
    return body.result;
  }

  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;
  function ensureStream() {
    if (source) return;
    source = new EventSource(`${EVENTS_ROUTE}${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    for (const name of eventNames) {
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as never;
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  }

  const methods = Object.fromEntries(apiMethods.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  return {
    ...(methods as unknown as Omit<TroveClient, 'on'>),
    on<E extends EventName>(event: E, listener: (payload: TroveEvents[E]) => void) {
      ensureStream();
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
