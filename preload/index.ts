/**
 * Electron preload (sandboxed): exposes `window.csu` with one named function per contract
 * method and an event subscription. `ipcRenderer` itself never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi, events, type Channel, type EventName } from './contract';

async function call(channel: Channel, args: unknown): Promise<unknown> {
  const r = (await ipcRenderer.invoke(`csu:${channel}`, args)) as
    | { ok: true; value: unknown }
    | { ok: false; error: { code: string; message: string; details?: unknown } };
  if (r.ok) return r.value;
  // A plain object survives contextBridge intact; an Error would lose its code.
  throw r.error;
}

function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!Object.prototype.hasOwnProperty.call(events, event)) throw new Error('unknown event');
  const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(`csu-event:${event}`, wrapped);
  return () => ipcRenderer.removeListener(`csu-event:${event}`, wrapped);
}

contextBridge.exposeInMainWorld('csu', buildApi(call, subscribe));
