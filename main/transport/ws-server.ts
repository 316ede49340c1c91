import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WireRequest, events as eventSchemas, type EventName, type WireResponse } from '../../preload/contract';
import type { Logger } from '../log';
import type { Dispatch } from './dispatch';
import { PageScope } from './page-scope';

/** Constant-time comparison of secrets of any length (hashing first equalises the lengths). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export interface WsTransportOptions {
  token: string;
  allowedOrigin: () => string;
  dispatch: Dispatch;
  log: Logger;
}

/**
 * The contract over one WebSocket, for the headless shell. The socket is useless without the
 * random token printed in the page URL, and refused to any other origin (a web page the
 * operator happens to open must not drive the console).
 */
export function createWsTransport(opts: WsTransportOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();

  // A socket that fails during the handshake must not reach the process as an unhandled 'error'.
  wss.on('error', (err) => opts.log.warn('api server error: %s', err.message));

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => opts.log.warn('api upgrade socket error: %s', err.message));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // DNS rebinding: the page's own loopback host only (the origin says who asks, Host where to).
    if (req.headers.host !== new URL(opts.allowedOrigin()).host) {
      opts.log.warn('api upgrade refused: foreign host');
      return reject(socket, 421, 'Misdirected Request');
    }
    if (req.headers.origin !== opts.allowedOrigin()) {
      opts.log.warn('api upgrade refused: foreign origin');
      return reject(socket, 403, 'Forbidden');
    }
    const token = url.searchParams.get('token') ?? '';
    if (!token || !sameSecret(token, opts.token)) {
      opts.log.warn('api upgrade refused: missing or wrong token');
      return reject(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      // One socket is one page: a reload or a closed tab ends it, and what it was handed with it.
      const page = new PageScope();
      ws.on('close', () => {
        clients.delete(ws);
        page.end();
      });
      // An oversized (> maxPayload) or broken frame: ws closes this socket with its code (1009,
      // 1002…) and emits 'error'; without a listener that error would stop the whole console.
      ws.on('error', (err) => {
        opts.log.warn('api socket closed on a bad frame: %s', err.message);
        clients.delete(ws);
        page.end();
      });
      ws.on('message', (data, isBinary) => void onMessage(ws, page, data as Buffer, isBinary));
    });
  }

  async function onMessage(ws: WebSocket, page: PageScope, data: Buffer, isBinary: boolean): Promise<void> {
    let id = -1;
    let response: WireResponse;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      const req = WireRequest.safeParse(JSON.parse(data.toString('utf8')));
      if (!req.success) throw new Error('malformed request');
      id = req.data.id;
      const r = await opts.dispatch(req.data.channel, req.data.args, { transport: 'ws', page });
      response = r.ok ? { id, ok: true, value: r.value } : { id, ok: false, error: r.error };
    } catch (err) {
      response = {
        id,
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: err instanceof Error ? err.message : 'malformed request' },
      };
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
  }

  function emit<E extends EventName>(event: E, payload: unknown): void {
    const checked = eventSchemas[event].parse(payload);
    const text = JSON.stringify({ event, payload: checked });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** Drops every page's socket as a network fault would (test hooks); the pages reconnect at their next call. */
  function dropClients(): number {
    const n = clients.size;
    for (const ws of clients) ws.terminate();
    return n;
  }

  function close(): void {
    for (const ws of clients) ws.terminate();
    wss.close();
  }

  return { handleUpgrade, emit, dropClients, close };
}
