import WebSocket from 'ws';

export interface StreamClient {
  ws: WebSocket;
  chunks: Buffer[];
  /** Wall time (ms) each chunk arrived. */
  times: number[];
  closed: Promise<{ code: number; at: number }>;
  bytes(): number;
  all(): Buffer;
}

/** A tile stand-in: connects to a relay URL and keeps every byte it receives. */
export function connectStream(url: string, origin: string): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Origin: origin } });
    const chunks: Buffer[] = [];
    const times: number[] = [];
    const closed = new Promise<{ code: number; at: number }>((res) => ws.once('close', (code) => res({ code, at: Date.now() })));
    ws.on('message', (d: Buffer) => {
      chunks.push(Buffer.from(d));
      times.push(Date.now());
    });
    ws.once('open', () => resolve({ ws, chunks, times, closed, bytes: () => chunks.reduce((n, c) => n + c.length, 0), all: () => Buffer.concat(chunks) }));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Resolves with the HTTP status a refused upgrade got, and how many bytes of stream arrived (must be 0). */
export function tryConnect(url: string, headers: Record<string, string>): Promise<{ status?: number; opened: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_q, res) => resolve({ status: res.statusCode, opened: false }));
    ws.once('error', () => resolve({ opened: false }));
  });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
