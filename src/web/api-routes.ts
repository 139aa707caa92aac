/**
 * `POST /api/<method>`: the argument list as JSON in, `{ result }` or `{ error: { name, message } }` out.
 * Every call is validated against the shared schemas before it reaches the engine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentsError, validateArgs, type ApiMethod } from '../shared/api';
import { eventNames, isApiMethod, type WireError } from '../shared/channels';
import { MAX_IMPORT_BYTES } from '../shared/questions-api';
import type { HostedTrove } from '../core/host/engine-protocol';

const MAX_BODY_BYTES = 1024 * 1024;
/** importBank carries a whole file as base64 (4 bytes per 3) plus its options. */
const MAX_IMPORT_BODY_BYTES = Math.ceil(MAX_IMPORT_BYTES / 3) * 4 + 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, error: WireError, headers: Record<string, string>): void {
  sendJson(res, status, { error }, headers);
}

async function readBody(req: IncomingMessage, methodName: string): Promise<string> {
  const importing = methodName === 'importBank';
  const limit = importing ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new InvalidArgumentsError(
        importing ? `importBank: the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB` : 'request body is larger than 1 MB',
      );
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** HTTP status by error name (shared/path-errors.ts and friends); anything else is the engine's fault, 500. */
const STATUS_BY_ERROR: Record<string, number> = {
  InvalidArgumentsError: 400,
  DesktopOnlyError: 400,
  QuestionsError: 400,
  ConfirmationNeededError: 400,
  FolderOverlapError: 400,
  OutsideFoldersError: 403,
  NotFoundError: 404,
  NotIndexedError: 404,
};

function statusFor(err: Error): number {
  return err instanceof InvalidArgumentsError ? 400 : (STATUS_BY_ERROR[err.name] ?? 500);
}

export async function handleApiCall(
  service: HostedTrove,
  methodName: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (!isApiMethod(methodName)) {
    return sendError(res, 404, { name: 'InvalidArgumentsError', message: `unknown method "${methodName}"` }, headers);
  }
  if (req.method !== 'POST') {
    return sendError(res, 405, { name: 'Error', message: `${methodName}: use POST with a JSON list of arguments` }, { ...headers, allow: 'POST' });
  }
  try {
    const raw = await readBody(req, methodName);
    let args: unknown;
    try {
      args = raw.trim() ? JSON.parse(raw) : [];
    } catch {
      throw new InvalidArgumentsError(`${methodName}: the request body is not valid JSON`);
    }
    const valid = validateArgs(methodName, args);
    const method = service[methodName as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
    const result = await method.apply(service, valid as unknown[]);
    sendJson(res, 200, { result: result ?? null }, headers);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    sendError(res, statusFor(e), { name: e.name, message: e.message }, headers);
  }
}

/** `GET /api/events`: progress and index changes as server-sent events, until the page goes away. */
export function handleEvents(service: HostedTrove, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const unsubscribe = eventNames.map((name) =>
    service.on(name, (payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
  );
  // Proxies and browsers drop silent connections; a comment every 15 s keeps it open.
  const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    for (const off of unsubscribe) off();
  });
}
