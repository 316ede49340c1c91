import mpegts from 'mpegts.js';

/** What mpegts.js' BaseLoader keeps for its subclasses (its own WebSocket loader uses the same). */
interface LoaderInternals {
  _status: number;
  _needStash: boolean;
  _onDataArrival: ((chunk: ArrayBuffer, byteStart: number, receivedLength: number) => void) | null;
  _onComplete: ((from: number, to: number) => void) | null;
  destroy(): void;
}

const Base = mpegts.BaseLoader as unknown as new (typeName: string) => LoaderInternals;
const { kConnecting, kBuffering, kComplete } = mpegts.LoaderStatus;

/**
 * mpegts.js' WebSocket loader, keeping what it throws away: the relay's close code. Each code
 * says whether the tile reconnects (4005 slow client, 4006 source restarted, a dropped
 * connection) or stops for good (4001 expired, 4002 stopped, 4003 fault, 4004 console stopped).
 * A socket error is always followed by a close (1006), so errors are left to the close.
 */
export function relayLoader(onClose: (code: number) => void, handle: { closeSocket?: () => void } = {}): mpegts.CustomLoaderConstructor {
  class RelayLoader extends Base {
    private ws: WebSocket | null = null;
    private received = 0;
    private aborted = false;

    constructor() {
      super('csu-relay-loader');
      this._needStash = true;
      // The relay takes one socket per token: a new player on the same token closes the old one's first.
      handle.closeSocket = () => this.abort();
    }

    isWorking(): boolean {
      return this._status === kConnecting || this._status === kBuffering;
    }

    open(source: { url: string }): void {
      const ws = new WebSocket(source.url);
      this.ws = ws;
      ws.binaryType = 'arraybuffer';
      this._status = kConnecting;
      ws.onopen = () => (this._status = kBuffering);
      ws.onmessage = (e: MessageEvent) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const start = this.received;
        this.received += e.data.byteLength;
        this._onDataArrival?.(e.data, start, this.received);
      };
      ws.onclose = (e: CloseEvent) => {
        if (this.aborted) return;
        this._status = kComplete;
        onClose(e.code);
      };
    }

    abort(): void {
      this.aborted = true;
      const ws = this.ws;
      if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) ws.close();
      this.ws = null;
      this._status = kComplete;
    }

    override destroy(): void {
      if (this.ws) this.abort();
      super.destroy();
    }
  }
  return RelayLoader as unknown as mpegts.CustomLoaderConstructor;
}
