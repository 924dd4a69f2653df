// The page's requests, typed by ./messages.ts. The token of a non-loopback server travels in the
// cookie the server set when the page was opened, so no URL here needs it.
import type { ApiError, ServerEvent } from './messages.js';
import type { Text } from '../public/index.js';

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly text: Text) { super(text.en); }
}

export async function getJson<T>(path: string, params: URLSearchParams = new URLSearchParams()): Promise<T> {
  const qs = params.toString();
  const r = await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: 'application/json' } });
  const body = await r.json() as T | ApiError;
  if (!r.ok) throw new ApiFailure(r.status, (body as ApiError).text ?? { en: `HTTP ${r.status}`, zh: `HTTP ${r.status}` });
  return body as T;
}

export async function postText<T>(path: string, text: string): Promise<T> {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: text });
  const body = await r.json() as T | ApiError;
  if (!r.ok) throw new ApiFailure(r.status, (body as ApiError).text ?? { en: `HTTP ${r.status}`, zh: `HTTP ${r.status}` });
  return body as T;
}

/** Server-Sent Events from `path`, each parsed as a ServerEvent; returns a function that closes it. */
export function subscribe(path: string, on: (e: ServerEvent) => void): () => void {
  const es = new EventSource(path);
  const handler = (m: MessageEvent<string>): void => { on(JSON.parse(m.data) as ServerEvent); };
  es.addEventListener('host', handler as EventListener);
  es.addEventListener('problem', handler as EventListener);
  return () => es.close();
}
