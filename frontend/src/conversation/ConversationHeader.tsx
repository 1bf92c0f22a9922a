/** The conversation's header: back link, the other participant and their presence, Refresh. */
import { Link } from 'react-router';
import type { Presence } from './feedState';
import { formatLastSeen } from './format';

interface Props {
  otherName: string;
  presence: Presence | undefined;
  onRefresh: () => void;
}

export function ConversationHeader({ otherName, presence, onRefresh }: Props) {
  return (
    <header className="conversation-header">
      <Link to="/" aria-label="Back to conversations">
        ←
      </Link>
      <div className="conversation-title">
        <h2>{otherName}</h2>
        {presence && (
          <span className={`presence${presence.online ? ' online' : ''}`} data-testid="presence">
            {describePresence(presence)}
          </span>
        )}
      </div>
      <button type="button" className="secondary" onClick={onRefresh}>
        Refresh
      </button>
    </header>
  );
}

export function describePresence({ online, lastSeenAt }: Presence): string {
  if (online) return 'online';
  return lastSeenAt ? formatLastSeen(lastSeenAt) : 'offline';
}
