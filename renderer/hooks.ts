import { useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload } from '../preload/contract';

/**
 * Main's wall clock, followed in the renderer: countdowns must agree with the clock that ends
 * grants (it is main's, not the workstation's). Re-synchronised every few seconds.
 */
export function useConsoleNow(tickMs = 1000): number {
  const offset = useRef(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let alive = true;
    const sync = () =>
      window.csu.app.clock().then(
        (c) => {
          if (alive) offset.current = c.now - Date.now();
        },
        () => undefined,
      );
    void sync();
    const s = setInterval(sync, 2000);
    const t = setInterval(() => setNow(Date.now() + offset.current), tickMs);
    return () => {
      alive = false;
      clearInterval(s);
      clearInterval(t);
    };
  }, [tickMs]);
  return now;
}

export function useCsuEvent<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => window.csu.on(event, (p) => ref.current(p)), [event]);
}
