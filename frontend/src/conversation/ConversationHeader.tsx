/** The conversation's header: back link, the other participant and their presence, actions, Refresh. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Presence } from './feedState';
import { formatLastSeen } from './format';

interface Props {
  otherName: string;
  presence: Presence | undefined;
  onRefresh: () => void;
  /** Shown before Refresh (the Block button). */
  actions?: ReactNode;
}

export function ConversationHeader({ otherName, presence, onRefresh, actions }: Props) {
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
      {actions}
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
