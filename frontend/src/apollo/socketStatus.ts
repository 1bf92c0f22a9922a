/**
 * The state of the one GraphQL WebSocket, as an external store for React.
 * "closed" means it dropped unexpectedly and is retrying; "idle" means nothing needs it.
 * `reconnects` counts sockets that replaced a dropped or rotated one, so that subscribers
 * can resume from the newest cursor they hold.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';

export type SocketStatus = 'idle' | 'connecting' | 'connected' | 'closed';

export interface SocketState {
  status: SocketStatus;
  reconnects: number;
}

export class SocketStatusStore {
  private state: SocketState = { status: 'idle', reconnects: 0 };
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): SocketState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(status: SocketStatus): void {
    if (status !== this.state.status) this.update({ ...this.state, status });
  }

  /** A new socket is up in place of one that dropped or was closed to rotate its token. */
  reconnected(): void {
    this.update({ status: 'connected', reconnects: this.state.reconnects + 1 });
  }

  private update(state: SocketState): void {
    this.state = state;
    this.listeners.forEach((listener) => listener());
  }
}

export const SocketStatusContext = createContext<SocketStatusStore>(new SocketStatusStore());

export function useSocketState(): SocketState {
  const store = useContext(SocketStatusContext);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
