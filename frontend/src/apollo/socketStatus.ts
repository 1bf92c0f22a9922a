/**
 * The state of the one GraphQL WebSocket, as an external store for React.
 * "closed" means it dropped unexpectedly and is retrying; "idle" means nothing needs it.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';

export type SocketStatus = 'idle' | 'connecting' | 'connected' | 'closed';

export class SocketStatusStore {
  private status: SocketStatus = 'idle';
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): SocketStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(status: SocketStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.listeners.forEach((listener) => listener());
  }
}

export const SocketStatusContext = createContext<SocketStatusStore>(new SocketStatusStore());

export function useSocketStatus(): SocketStatus {
  const store = useContext(SocketStatusContext);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
