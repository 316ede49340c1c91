import { events as schemas, type EventName, type EventPayload } from '../preload/contract';

type Listener = (event: EventName, payload: unknown) => void;

/** Events from services to whichever transport is attached. Payloads are checked against the contract. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = schemas[event].parse(payload);
    for (const l of this.listeners) l(event, checked);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
