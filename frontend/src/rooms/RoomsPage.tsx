/**
 * /: the caller's rooms, newest activity first. Kept current live by each room's events,
 * by a slower poll (for rooms that others start) while the tab is visible, and by
 * re-querying when the user comes back to the tab.
 */
import { useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import { RoomsQuery } from './operations';
import { RoomListItem } from './RoomListItem';
import { StartChatForm } from './StartChatForm';
import { useCurrentUser } from '../auth/SessionContext';
import { useRoomActivity } from './useRoomActivity';

const POLL_MS = 10_000;

export function RoomsPage() {
  const me = useCurrentUser();
  const { data, loading, error, refetch } = useQuery(RoomsQuery, {
    variables: { first: 50 },
    fetchPolicy: 'cache-and-network',
    pollInterval: POLL_MS,
    skipPollAttempt: () => document.visibilityState === 'hidden',
  });

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refetch();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [refetch]);

  const rooms = data?.rooms.edges.map((edge) => edge.node) ?? [];
  useRoomActivity(
    rooms.map((room) => room.id),
    () => void refetch(),
  );
  return (
    <main className="rooms-page">
      <section className="card">
        <h2>Start a chat</h2>
        <StartChatForm />
      </section>
      <section className="card">
        <h2>Conversations</h2>
        {error && !data && <p className="form-error">Could not load your conversations.</p>}
        {loading && !data && <p className="muted">Loading…</p>}
        {data && rooms.length === 0 && <p className="muted">No conversations yet.</p>}
        <ul className="room-list" aria-label="Conversations">
          {rooms.map((room) => (
            <RoomListItem key={room.id} room={room} myId={me.id} />
          ))}
        </ul>
      </section>
    </main>
  );
}
