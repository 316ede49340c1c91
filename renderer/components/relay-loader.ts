import mpegts from 'mpegts.js';

/** What mpegts.js' BaseLoader keeps for its subclasses (its own WebSocket loader uses the same). */
interface LoaderInternals {
  _status: number;
  _needStash: boolean;
  _onDataArrival: ((chunk: ArrayBuffer, byteStart: number, receivedLength: number) => void) | null;
  _onComplete: ((from: number, to: number) => void) | null;
  destroy(): void;
}

/**
 * Chromium holds back a page's new WebSocket by a random 1–5 s × 2^pending / 65536 (the network
 * service's WebSocketThrottler, pending = handshakes not finished yet): after F5 the 16th of 16
 * tiles' sockets waited up to 4 s (bench wall, reload_sockets_open_ms). A few handshakes at a
 * time keep that under a millisecond; the relay listens on as many ports (hub.ts RELAY_PORTS), so
 * they do not queue behind each other either (one CONNECTING per host and port).
 */
const MAX_CONNECTING = 4;
let connecting = 0;
const waiting: (() => void)[] = [];

/** Runs `start` once a handshake slot is free; the returned function frees it (idempotent). */
function whenSlotFree(start: (release: () => void) => void): void {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    const next = waiting.shift();
    if (next) next();
    else connecting--;
  };
  if (connecting < MAX_CONNECTING) {
    connecting++;
    start(release);
  } else {
    waiting.push(() => start(release));
  }
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
      this._status = kConnecting;
      whenSlotFree((release) => this.connect(source.url, release));
    }

    private connect(url: string, release: () => void): void {
      // Aborted while waiting for its turn: nothing to open.
      if (this.aborted) return release();
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        release();
        this._status = kBuffering;
      };
      ws.onmessage = (e: MessageEvent) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const start = this.received;
        this.received += e.data.byteLength;
        this._onDataArrival?.(e.data, start, this.received);
      };
      ws.onclose = (e: CloseEvent) => {
        release();
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
