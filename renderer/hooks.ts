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
  // A warning is sent at main's instant « N minutes before the end »: the countdowns read N from
  // then on, not N + 1 for the rest of a tick (the page's clock is up to a tick behind).
  useCsuEvent('grant.warning', (w) => {
    const sent = w.endsAt - w.minutesLeft * 60000;
    setNow((n) => Math.max(n, sent));
  });
  return now;
}

export function useCsuEvent<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => window.csu.on(event, (p) => ref.current(p)), [event]);
}

/**
 * What main says now and again: `fetch` at once, then every `pollMs`, while `enabled`; the last answer (a failed
 * call keeps the previous one: a banner must not flicker away on one lost call). `refreshKey` asks again at once.
 */
export function usePolled<T>(fetch: () => Promise<T>, enabled: boolean, pollMs: number, refreshKey: unknown = 0): T | undefined {
  const [value, setValue] = useState<T | undefined>();
  const ref = useRef(fetch);
  ref.current = fetch;
  useEffect(() => {
    if (!enabled) return undefined;
    let alive = true;
    const poll = () =>
      ref.current().then(
        (v) => alive && setValue(v),
        () => undefined,
      );
    void poll();
    const timer = setInterval(poll, pollMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [enabled, pollMs, refreshKey]);
  return value;
}

/**
 * State kept for this window's session (sessionStorage): a reload (F5) or the reload of a crashed
 * renderer keeps it, a new window starts from `initial`. What is read back is checked: the
 * storage is the page's, not main's, and may hold anything.
 */
export function useSessionState<T>(key: string, initial: T, valid: (v: unknown) => v is T): [T, (next: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = sessionStorage.getItem(key);
      const parsed: unknown = raw === null ? undefined : JSON.parse(raw);
      return valid(parsed) ? parsed : initial;
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or refused: the wall works the same, only a reload forgets.
    }
  }, [key, value]);
  return [value, setValue];
}
