/** /: the caller's rooms, newest activity first, kept live by useRoomList; Start chat; Search messages. */
import { RoomListItem } from './RoomListItem';
import { StartChatForm } from './StartChatForm';
import { MessageSearch } from './MessageSearch';
import { useCurrentUser } from '../auth/SessionContext';
import { useRoomList } from './useRoomList';
import { useSocketState } from '../apollo/socketStatus';

export function RoomsPage() {
  const me = useCurrentUser();
  const { rooms, loading, error, loaded, degraded } = useRoomList(me.username);
  const { status: socketStatus } = useSocketState();
  return (
    <main className="rooms-page" data-socket={socketStatus} data-realtime={degraded ? 'polling' : 'live'}>
      <section className="card">
        <h2>Start a chat</h2>
        <StartChatForm />
      </section>
      <section className="card">
        <h2>Search</h2>
        <MessageSearch myId={me.id} />
      </section>
      <section className="card">
        <h2>Conversations</h2>
        {error && !loaded && <p className="form-error">Could not load your conversations.</p>}
        {loading && !loaded && <p className="muted">Loading…</p>}
        {loaded && rooms.length === 0 && <p className="muted">No conversations yet.</p>}
        <ul className="room-list" aria-label="Conversations">
          {rooms.map((room) => (
            <RoomListItem key={room.id} room={room} myId={me.id} />
          ))}
        </ul>
      </section>
    </main>
  );
}
