import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channels } from '../../preload/contract';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Dispatch } from './dispatch';
import { PageScope } from './page-scope';

/** Why a call was refused before reaching the dispatcher, for the log (never the renderer). */
export function refuseReason(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, wc: WebContents | undefined, origin: string): string | undefined {
  if (!wc) return 'no console window';
  if (event.sender !== wc) return 'sender is not the console window';
  if (!event.senderFrame || event.senderFrame !== wc.mainFrame) return 'sender is not the main frame';
  // Second layer: even our main frame must be showing our own pages (a navigation that slipped through the window's locks would not be).
  let frameOrigin: string;
  try {
    // Not URL.origin: WHATWG gives « null » as the origin of a non-special scheme such as app://.
    const u = new URL(event.senderFrame.url);
    frameOrigin = `${u.protocol}//${u.host}`;
  } catch {
    return 'main frame has no readable URL';
  }
  if (frameOrigin !== origin) return `main frame shows ${frameOrigin.slice(0, 100)}`;
  return undefined;
}

/**
 * The window's current document as a page (page-scope.ts): a new one after each main-frame
 * navigation (F5), a crashed renderer or a closed window, so that what the old document was
 * handed ends with it.
 */
function pageTracker(): (wc: WebContents) => PageScope {
  const pages = new WeakMap<WebContents, PageScope>();
  const watched = new WeakSet<WebContents>();
  return (wc) => {
    let page = pages.get(wc);
    if (page) return page;
    page = new PageScope();
    pages.set(wc, page);
    if (!watched.has(wc)) {
      watched.add(wc);
      const next = () => {
        pages.get(wc)?.end();
        pages.delete(wc);
      };
      wc.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) next();
      });
      wc.on('render-process-gone', next);
      wc.once('destroyed', next);
    }
    return page;
  };
}

/**
 * Registers every contract method on ipcMain through one wrapper: the sender must be our
 * window's main frame showing our origin, and arguments and results are checked by the
 * dispatcher's schemas and access rules. A refused call is logged with its channel.
 */
export function registerIpc(dispatch: Dispatch, window: () => WebContents | undefined, bus: EventBus, o: { origin: string; log: Logger }): () => void {
  const pageOf = pageTracker();
  const registered = channels().map((channel) => {
    const name = `csu:${channel}`;
    ipcMain.handle(name, async (event, args: unknown) => {
      const refused = refuseReason(event, window(), o.origin);
      if (refused) {
        o.log.warn('ipc %s refused: %s', channel, refused);
        return { ok: false, error: { code: 'FORBIDDEN', message: 'sender is not the console window' } };
      }
      return dispatch(channel, args, { transport: 'ipc', page: pageOf(event.sender) });
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
