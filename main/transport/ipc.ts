import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channels } from '../../preload/contract';
import type { EventBus } from '../events';
import type { Dispatch } from './dispatch';

/**
 * Registers every contract method on ipcMain through one wrapper: the sender must be our
 * window's main frame, and arguments and results are checked by the dispatcher's schemas.
 */
export function registerIpc(dispatch: Dispatch, window: () => WebContents | undefined, bus: EventBus): () => void {
  const isOurMainFrame = (event: IpcMainInvokeEvent) => {
    const wc = window();
    return !!wc && event.sender === wc && event.senderFrame === wc.mainFrame;
  };
  const registered = channels().map((channel) => {
    const name = `csu:${channel}`;
    ipcMain.handle(name, async (event, args: unknown) => {
      if (!isOurMainFrame(event)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'sender is not the console window' } };
      }
      return dispatch(channel, args, { transport: 'ipc' });
    });
    return name;
  });
  const unsubscribe = bus.subscribe((event, payload) => {
    const wc = window();
    if (wc && !wc.isDestroyed()) wc.send(`csu-event:${event}`, payload);
  });
  return () => {
    for (const name of registered) ipcMain.removeHandler(name);
    unsubscribe();
  };
}
