/** One message of the log: confirmed or pending, with attachments, bid card and receipt. */
import type { BidFieldsFragment } from '../gql/graphql';
import type { FeedMessage, PendingMessage } from './feedState';
import { AttachmentView } from './AttachmentView';
import { BidCard, type ParticipantRole } from './BidCard';
import { formatTime } from './format';
import { MessageText } from './MessageText';

interface ConfirmedProps {
  message: FeedMessage;
  mine: boolean;
  seen: boolean;
  /** Opened at from a search result: marked for a few seconds (aria-current). */
  highlighted?: boolean;
  role: ParticipantRole;
  onBidSaved: (bid: BidFieldsFragment) => void;
  onMessageSaved: (message: FeedMessage) => void;
}

export function MessageItem({ message, mine, seen, highlighted = false, role, onBidSaved, onMessageSaved }: ConfirmedProps) {
  return (
    <li
      className={`message ${mine ? 'mine' : 'theirs'}${highlighted ? ' highlighted' : ''}`}
      data-message-id={message.id}
      aria-current={highlighted ? 'true' : undefined}
    >
      <div className="bubble">
        {!mine && <span className="sender">{message.senderUsername}</span>}
        <MessageText message={message} mine={mine} onSaved={onMessageSaved} />
        {message.bidDetails && <BidCard bid={message.bidDetails} role={role} onSaved={onBidSaved} />}
        {message.attachments.map((attachment) => (
          <AttachmentView key={attachment.id} attachment={attachment} />
        ))}
        <span className="meta">
          {message.editedAt && !message.deletedAt && <span className="edited">(edited)</span>}
          <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          {seen && <span className="receipt">Seen</span>}
        </span>
      </div>
    </li>
  );
}

interface PendingProps {
  pending: PendingMessage;
  onRetry: (pending: PendingMessage) => void;
}

export function PendingItem({ pending, onRetry }: PendingProps) {
  return (
    <li className={`message mine pending ${pending.status}`} data-client-id={pending.clientId}>
      <div className="bubble">
        {pending.text && <p className="text">{pending.text}</p>}
        {pending.attachments.map((attachment) => (
          <AttachmentView key={attachment.id} attachment={attachment} />
        ))}
        <span className="meta">
          {pending.status === 'sending' ? (
            'Sending…'
          ) : (
            <>
              <span className="form-error" role="alert">
                Not sent{pending.error ? `: ${pending.error}` : ''}
              </span>{' '}
              <button type="button" className="link" onClick={() => onRetry(pending)}>
                Retry
              </button>
            </>
          )}
        </span>
      </div>
    </li>
  );
}
