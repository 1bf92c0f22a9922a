/**
 * The conversation's one copy of its feed state: an external store over feedReducer. React
 * renders from it (useSyncExternalStore) and async work (polls, older pages) reads the
 * current state from it, so each action runs through the reducer exactly once.
 */
import { feedReducer, initialFeedState, type FeedAction, type FeedState } from './feedState';

export class FeedStore {
  private state: FeedState = initialFeedState;
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): FeedState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (action: FeedAction): void => {
    const next = feedReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((listener) => listener());
  };
}
