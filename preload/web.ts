/**
 * `window.csu` for the headless shell: the same contract as the Electron preload, carried over
 * one WebSocket to main. The token arrives in the page URL's fragment (never sent in HTTP
 * requests) and is kept in sessionStorage so a reload keeps working.
 */
import { buildApi, type Channel, type CsuError, type EventName, type WireEvent, type WireResponse } from './contract';

function readToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('csu.token', fromHash);
    history.replaceState(null, '', location.pathname);
    return fromHash;
  }
  return sessionStorage.getItem('csu.token') ?? '';
}

const token = readToken();
let socket: WebSocket | undefined;
let opening: Promise<WebSocket> | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: CsuError) => void }>();
const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

function connect(): Promise<WebSocket> {
  if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
  if (opening) return opening;
  opening = new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      socket = ws;
      opening = undefined;
      resolve(ws);
    };
    ws.onerror = () => {
      opening = undefined;
      reject({ code: 'UNAVAILABLE', message: 'cannot reach the console service' } satisfies CsuError);
    };
    ws.onclose = () => {
      socket = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject({ code: 'UNAVAILABLE', message: 'connection to the console service lost' });
      }
    };
    ws.onmessage = (msg) => {
      const data = JSON.parse(String(msg.data)) as WireResponse | WireEvent;
      if ('event' in data) {
        for (const l of listeners.get(data.event) ?? []) l(data.payload);
        return;
      }
      const p = pending.get(data.id);
      if (!p) return;
      pending.delete(data.id);
      if (data.ok) p.resolve(data.value);
      else p.reject(data.error);
    };
  });
  return opening;
}

async function call(channel: Channel, args: unknown): Promise<unknown> {
  const ws = await connect();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  void connect().catch(() => undefined);
  return () => set.delete(listener);
}

Object.defineProperty(window, 'csu', { value: buildApi(call, subscribe), writable: false, configurable: false });
