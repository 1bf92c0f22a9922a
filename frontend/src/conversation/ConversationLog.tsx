/**
 * The log's contents: day separators, the "unread" divider, messages and pending sends, or
 * "No messages yet" in an empty conversation.
 */
import { useCallback, useMemo } from 'react';
import type { BidFieldsFragment } from '../gql/graphql';
import type { FeedAction, FeedMessage, FeedState, PendingMessage } from './feedState';
import type { ParticipantRole } from './BidCard';
import { MessageList } from './MessageList';
import { MessageItem, PendingItem } from './MessageItem';
import { buildTimeline } from './timeline';
import { useUnreadMarker } from './useUnreadMarker';

interface Props {
  state: FeedState;
  loaded: boolean;
  loadingOlder: boolean;
  myId: string;
  role: ParticipantRole;
  /** The message a search result opened the conversation at, while it is highlighted. */
  highlightedId?: string | null;
  dispatch: (action: FeedAction) => void;
  onLoadOlder: () => void;
  onRetry: (pending: PendingMessage) => void;
}

export function ConversationLog(props: Props) {
  const { state, loaded, loadingOlder, myId, role, highlightedId = null, dispatch, onLoadOlder, onRetry } = props;
  const unreadFromId = useUnreadMarker(state.messages, myId, loaded);
  const items = useMemo(() => buildTimeline(state.messages, state.pending, unreadFromId), [state.messages, state.pending, unreadFromId]);
  const lastSeenId = useMemo(() => lastReadOwnMessage(state.messages, myId)?.id, [state.messages, myId]);
  const onBidSaved = useCallback((bid: BidFieldsFragment) => dispatch({ type: 'bidSaved', bid }), [dispatch]);
  const onMessageSaved = useCallback((message: FeedMessage) => dispatch({ type: 'messageSaved', message }), [dispatch]);
  const empty = loaded && items.length === 0;

  return (
    <MessageList itemCount={items.length} hasOlder={state.hasOlder} loadingOlder={loadingOlder} onLoadOlder={onLoadOlder}>
      {empty && <li className="empty-log">No messages yet</li>}
      {items.map((item) => {
        switch (item.kind) {
          case 'day':
            return (
              <li key={item.key} className="day-separator">
                <span>{item.label}</span>
              </li>
            );
          case 'unread':
            return (
              <li key={item.key} className="unread-divider">
                <span>Unread</span>
              </li>
            );
          case 'message':
            return (
              <MessageItem
                key={item.key}
                message={item.message}
                mine={item.message.sender.id === myId}
                seen={item.message.id === lastSeenId}
                highlighted={item.message.id === highlightedId}
                role={role}
                onBidSaved={onBidSaved}
                onMessageSaved={onMessageSaved}
              />
            );
          case 'pending':
            return <PendingItem key={item.key} pending={item.pending} onRetry={onRetry} />;
        }
      })}
    </MessageList>
  );
}

function lastReadOwnMessage(messages: FeedMessage[], myId: string): FeedMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i].sender.id === myId && messages[i].readAt) return messages[i];
  }
  return undefined;
}
