/** One room in the list: the other participant, the last message, the unread badge. */
import { Link } from 'react-router';
import type { RoomsQuery } from '../gql/graphql';
import { formatTime } from '../conversation/format';

export type RoomNode = RoomsQuery['rooms']['edges'][number]['node'];

export function RoomListItem({ room, myId }: { room: RoomNode; myId: string }) {
  const other = room.organizer.id === myId ? room.vendor : room.organizer;
  const last = room.lastMessage;
  return (
    <li className="room">
      <Link to={`/dm/${room.id}`} className="room-link">
        <span className="room-name">
          <span
            className={`presence-dot${other.online ? ' online' : ''}`}
            role="img"
            aria-label={other.online ? 'online' : 'offline'}
          />
          {other.username}
        </span>
        {room.unreadCount > 0 && (
          <span className="badge" aria-label={`${room.unreadCount} unread`}>
            {room.unreadCount}
          </span>
        )}
        <span className="room-preview">{last ? preview(last, other.username) : 'No messages yet'}</span>
        <time className="room-time" dateTime={last?.createdAt ?? room.createdAt}>
          {formatTime(last?.createdAt ?? room.createdAt)}
        </time>
      </Link>
    </li>
  );
}

function preview(message: NonNullable<RoomNode['lastMessage']>, otherName: string): string {
  const who = message.senderUsername === otherName ? '' : 'You: ';
  if (message.deletedAt) return `${who}Message deleted`;
  if (message.messageType === 'BID') return `${who}Bid: ${message.text || 'price proposal'}`;
  if (message.text) return who + message.text;
  const count = message.attachments.length;
  return `${who}${count} attachment${count === 1 ? '' : 's'}`;
}
