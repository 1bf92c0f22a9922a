/**
 * The one hook that owns a conversation's realtime state: history (newest page first, older
 * pages on demand), the live subscription started `after` the newest cursor held so nothing
 * falls between the two, socket status, and the degraded mode. While the server reports
 * REALTIME_UNAVAILABLE, the socket is down or the subscription failed, a fallback polls for
 * newer messages every 8 s; it stops when realtime is restored or the socket reconnects.
 * Coming back from either re-reads the pages on screen and the room (presence, block: edits,
 * receipts and presence changes are not replayed). The room itself (a block or an unblock, the
 * participants' presence as each new state shows it) comes live from roomActivity, the inbox
 * feed, of which the page keeps this room's events.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { useSocketState } from '../apollo/socketStatus';
import { ConversationActivitySubscription, MessageAddedSubscription, RoomQuery } from './operations';
import type { FeedAction, FeedState } from './feedState';
import { FeedStore } from './feedStore';
import { catchUp, fetchPage, loadPresence, PAGE_SIZE, pollNewer } from './feedPages';

export { PAGE_SIZE };
export const POLL_INTERVAL_MS = 8_000;
/** With no cursor to subscribe `after`, one catch-up fetch covers the subscribe race. */
const EMPTY_ROOM_CATCH_UP_MS = 1_500;

export interface RoomFeed {
  state: FeedState;
  status: 'loading' | 'ready' | 'error';
  loadError: string | null;
  loadingOlder: boolean;
  degraded: boolean;
  loadOlder(): Promise<void>;
  refresh(): Promise<void>;
  /** Reads the room again (its block and presence), e.g. after a write it refused. */
  reloadRoom(): Promise<void>;
  dispatch: (action: FeedAction) => void;
}

interface LiveTarget {
  after: string | null;
  generation: number;
}

const ignore = () => {
  // The next poll, event or Refresh brings it; the banner already says realtime is down.
};

export function useRoomFeed(roomId: string): RoomFeed {
  const client = useApolloClient();
  const { status: socketStatus, reconnects } = useSocketState();
  const store = useFeedStore(roomId);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [status, setStatus] = useState<RoomFeed['status']>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadFailures, setLoadFailures] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [live, setLive] = useState<LiveTarget | null>(null);
  const [subscriptionFailed, setSubscriptionFailed] = useState(false);

  /** The subscription (re)started after the newest cursor held; `start` also when none runs. */
  const resume = useCallback(
    (start: boolean) =>
      setLive((prev) =>
        prev || start ? { after: store.getSnapshot().newestCursor, generation: (prev?.generation ?? 0) + 1 } : prev,
      ),
    [store],
  );

  const refresh = useCallback(async () => {
    void loadPresence(client, roomId, store).catch(ignore);
    try {
      store.dispatch({ type: 'historyLoaded', page: await fetchPage(client, { roomId, last: PAGE_SIZE }) });
      setStatus('ready');
      setLoadError(null);
      resume(true);
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error));
      setLoadFailures((count) => count + 1);
      setStatus((prev) => (prev === 'ready' ? prev : 'error'));
    }
  }, [client, roomId, store, resume]);

  const loadOlder = useCallback(async () => {
    const { oldestCursor, hasOlder } = store.getSnapshot();
    if (!hasOlder || !oldestCursor) return;
    setLoadingOlder(true);
    try {
      store.dispatch({ type: 'olderLoaded', page: await fetchPage(client, { roomId, last: PAGE_SIZE, before: oldestCursor }) });
    } finally {
      setLoadingOlder(false);
    }
  }, [client, roomId, store]);

  useEffect(() => {
    // refresh sets state only once its fetch settles, never synchronously in this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
  }, [refresh]);

  // History that could not be loaded at all is tried again on the polling period.
  useEffect(() => {
    if (status !== 'error') return;
    const timer = setTimeout(() => void refresh(), POLL_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [status, loadFailures, refresh]);

  // The live feed, restarted whenever history is (re)loaded.
  useEffect(() => {
    if (!live) return;
    const subscription = client
      .subscribe({ query: MessageAddedSubscription, variables: { roomId, after: live.after }, fetchPolicy: 'no-cache' })
      .subscribe({
        next: (result) => {
          if (result.data) {
            store.dispatch({ type: 'event', event: result.data.messageAdded });
            setSubscriptionFailed(false);
          } else if (result.error) {
            setSubscriptionFailed(true);
          }
        },
        error: () => setSubscriptionFailed(true),
        complete: () => setSubscriptionFailed(true),
      });
    const emptyRoomCatchUp = live.after
      ? undefined
      : setTimeout(() => void pollNewer(client, roomId, store).catch(ignore), EMPTY_ROOM_CATCH_UP_MS);
    return () => {
      clearTimeout(emptyRoomCatchUp);
      subscription.unsubscribe();
    };
  }, [client, roomId, store, live]);

  // The room as roomActivity shows it now: into the cache the page reads its block from, and
  // the participants' presence into the feed. Other rooms' events are the room list's business.
  useEffect(() => {
    const subscription = client
      .subscribe({ query: ConversationActivitySubscription, fetchPolicy: 'no-cache' })
      .subscribe({
        next: (result) => {
          const room = result.data?.roomActivity.room;
          if (room?.id !== roomId) return;
          client.cache.writeQuery({ query: RoomQuery, variables: { id: roomId }, data: { room } });
          store.dispatch({ type: 'presenceLoaded', users: [room.organizer, room.vendor] });
        },
        // A lost inbox feed costs only liveness: the reconnect's catch-up re-reads the room.
        error: ignore,
      });
    return () => subscription.unsubscribe();
  }, [client, roomId, store, reconnects]);

  // A socket that replaced a dropped or rotated one: resume the feed from the newest cursor
  // held, and re-read what is on screen; the old socket's warning no longer holds.
  const seenReconnects = useRef(reconnects);
  useEffect(() => {
    if (reconnects === seenReconnects.current) return;
    seenReconnects.current = reconnects;
    store.dispatch({ type: 'socketReconnected' });
    setSubscriptionFailed(false);
    resume(false);
    if (status === 'ready') void catchUp(client, roomId, store).catch(ignore);
  }, [reconnects, status, client, roomId, store, resume]);

  const degraded = status === 'ready' && (state.realtimeWarning || socketStatus === 'closed' || subscriptionFailed);

  // Leaving degraded mode: changes made meanwhile to messages already held are not replayed.
  const wasDegraded = useRef(false);
  useEffect(() => {
    if (wasDegraded.current && !degraded) void catchUp(client, roomId, store).catch(ignore);
    wasDegraded.current = degraded;
  }, [degraded, client, roomId, store]);

  useEffect(() => {
    if (!degraded) return;
    const timer = setInterval(() => {
      void pollNewer(client, roomId, store).catch(ignore);
      // A subscription that ended for good is retried, from the newest cursor held.
      if (subscriptionFailed) resume(true);
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [degraded, client, roomId, store, subscriptionFailed, resume]);

  const reloadRoom = useCallback(() => loadPresence(client, roomId, store).catch(ignore), [client, roomId, store]);

  return { state, status, loadError, loadingOlder, degraded, loadOlder, refresh, reloadRoom, dispatch: store.dispatch };
}

/** One store per room: a new room id starts from an empty feed. */
function useFeedStore(roomId: string): FeedStore {
  const [held, setHeld] = useState(() => ({ roomId, store: new FeedStore() }));
  if (held.roomId === roomId) return held.store;
  const fresh = { roomId, store: new FeedStore() };
  setHeld(fresh);
  return fresh.store;
}
