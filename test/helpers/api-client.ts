import WebSocket from 'ws';

export interface ApiClient {
  ws: WebSocket;
  /** Calls one contract method; resolves with the wire response ({ id, ok, value | error }). */
  call(channel: string, args?: unknown): Promise<any>;
  closed: Promise<number>;
}

let nextId = 1;

/** The headless shell's contract socket, as the page's web transport opens it. */
export function openApi(port: number, token: string, headers: Record<string, string> = {}): Promise<ApiClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}`, ...headers } });
    const waiting = new Map<number, (m: unknown) => void>();
    const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m && typeof m === 'object' && 'event' in m) return;
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
    ws.once('open', () =>
      resolve({
        ws,
        closed,
        call: (channel, args) =>
          new Promise((res) => {
            const id = nextId++;
            waiting.set(id, res);
            ws.send(JSON.stringify(args === undefined ? { id, channel } : { id, channel, args }));
          }),
      }),
    );
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
