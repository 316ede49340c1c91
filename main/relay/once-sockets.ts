/**
 * One-time sockets on the relay (issue G3, recording playback): `/recording/<token>`. The first
 * connection spends the token (a copied link plays nothing); an unused token lapses. The
 * producer sends its bytes with backpressure (each send waits for the socket to take it) and the
 * socket closes 1000 when it is done.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';

export type OnceProducer = (send: (data: Buffer) => Promise<void>) => Promise<void>;

const CHUNK = 256 * 1024;

export class OnceSockets {
  private readonly offers = new Map<string, { run: OnceProducer; timer: NodeJS.Timeout }>();

  offer(run: OnceProducer, ttlMs: number): string {
    const token = randomBytes(32).toString('base64url');
    const timer = setTimeout(() => this.offers.delete(token), ttlMs);
    timer.unref();
    this.offers.set(token, { run, timer });
    return token;
  }

  has(token: string): boolean {
    return this.offers.has(token);
  }

  /** Spends the token: its producer, or undefined. */
  take(token: string): OnceProducer | undefined {
    const o = this.offers.get(token);
    if (!o) return undefined;
    this.offers.delete(token);
    clearTimeout(o.timer);
    return o.run;
  }

  serve(ws: WebSocket, run: OnceProducer, onError: (err: Error) => void): void {
    ws.on('message', () => undefined);
    ws.on('error', (err) => onError(err));
    const send = async (data: Buffer) => {
      for (let off = 0; off < data.length; off += CHUNK) {
        if (ws.readyState !== ws.OPEN) throw new Error('playback socket closed');
        await new Promise<void>((resolve, reject) => ws.send(data.subarray(off, off + CHUNK), { binary: true }, (err) => (err ? reject(err) : resolve())));
      }
    };
    run(send).then(
      () => ws.close(1000, 'end'),
      (err: unknown) => {
        onError(err instanceof Error ? err : new Error(String(err)));
        if (ws.readyState === ws.OPEN) ws.close(1011, 'failed');
      },
    );
  }

  clear(): void {
    for (const o of this.offers.values()) clearTimeout(o.timer);
    this.offers.clear();
  }
}
