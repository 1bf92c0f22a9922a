/**
 * The messages a conversation page holds, as a pure reducer: history pages, live events and
 * optimistic sends all merge here. Messages are de-duplicated by id and ordered by
 * (createdAt, id); pending sends follow them in the order they were made.
 */
import type {
  BidFieldsFragment,
  MessageAddedSubscription,
  MessageFieldsFragment,
  MessagesQuery,
  PresenceFieldsFragment,
} from '../gql/graphql';
import { mergeMessages, withBid } from './mergeMessages';

export type FeedMessage = MessageFieldsFragment;
export type FeedAttachment = FeedMessage['attachments'][number];
export type RoomEvent = MessageAddedSubscription['messageAdded'];
export type MessagePage = MessagesQuery['messages'];

export type Participant = { id: string; username: string };
export type Presence = Pick<PresenceFieldsFragment, 'online' | 'lastSeenAt'>;

export interface PendingMessage {
  clientId: string;
  text: string;
  attachments: FeedAttachment[];
  createdAt: string;
  status: 'sending' | 'failed';
  error?: string;
}

export interface FeedState {
  messages: FeedMessage[];
  pending: PendingMessage[];
  /** Cursor of the oldest message held (for older pages), and whether there are older ones. */
  oldestCursor: string | null;
  hasOlder: boolean;
  /** Cursor of the newest message held, from pages and events (for polling and `after`). */
  newestCursor: string | null;
  /** The server said realtime is unavailable (WarningEvent) and has not said it is back. */
  realtimeWarning: boolean;
  /** The other participant while a TypingEvent says they are typing. */
  typing: Participant | null;
  /** Each participant's presence, by user id: as read with the room, then as events say. */
  presence: Record<string, Presence>;
}

export type FeedAction =
  | { type: 'historyLoaded'; page: MessagePage }
  | { type: 'olderLoaded'; page: MessagePage }
  | { type: 'newerLoaded'; page: MessagePage }
  /** A page on screen read again: current copies of held messages, cursors kept. */
  | { type: 'pageReread'; page: MessagePage }
  | { type: 'event'; event: RoomEvent }
  | { type: 'socketReconnected' }
  | { type: 'sendStarted'; pending: PendingMessage }
  | { type: 'sendFailed'; clientId: string; error: string }
  | { type: 'messageSaved'; message: FeedMessage }
  | { type: 'bidSaved'; bid: BidFieldsFragment }
  | { type: 'readUpTo'; messageId: string; readAt: string; readerId: string }
  | { type: 'presenceLoaded'; users: PresenceFieldsFragment[] };

export const initialFeedState: FeedState = {
  messages: [],
  pending: [],
  oldestCursor: null,
  hasOlder: false,
  newestCursor: null,
  realtimeWarning: false,
  typing: null,
  presence: {},
};

export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case 'historyLoaded':
      return {
        ...state,
        messages: mergeMessages([], nodes(action.page)),
        pending: withoutConfirmed(state.pending, nodes(action.page)),
        oldestCursor: action.page.pageInfo.startCursor,
        hasOlder: action.page.pageInfo.hasPreviousPage,
        newestCursor: action.page.pageInfo.endCursor,
      };
    case 'olderLoaded':
      return {
        ...state,
        messages: mergeMessages(state.messages, nodes(action.page)),
        oldestCursor: action.page.pageInfo.startCursor ?? state.oldestCursor,
        hasOlder: action.page.pageInfo.hasPreviousPage,
      };
    case 'newerLoaded':
      return {
        ...state,
        messages: mergeMessages(state.messages, nodes(action.page)),
        pending: withoutConfirmed(state.pending, nodes(action.page)),
        newestCursor: action.page.pageInfo.endCursor ?? state.newestCursor,
      };
    case 'pageReread': {
      const page = nodes(action.page);
      const next = withMessages(state, page);
      const newest = action.page.edges.at(-1);
      return newest ? withCursor(next, newest.node.id, newest.cursor) : next;
    }
    case 'event':
      return applyEvent(state, action.event);
    case 'socketReconnected':
      // A new socket gets a fresh subscription; the server repeats any warning still true,
      // and typing is never replayed (its lapse may have been lost with the old socket).
      return state.realtimeWarning || state.typing ? { ...state, realtimeWarning: false, typing: null } : state;
    case 'sendStarted':
      return {
        ...state,
        pending: [...state.pending.filter((p) => p.clientId !== action.pending.clientId), action.pending],
      };
    case 'sendFailed':
      return {
        ...state,
        pending: state.pending.map((p) =>
          p.clientId === action.clientId ? { ...p, status: 'failed', error: action.error } : p,
        ),
      };
    case 'messageSaved':
      return withMessages(state, [action.message]);
    case 'bidSaved':
      return { ...state, messages: state.messages.map((m) => withBid(m, action.bid)) };
    case 'readUpTo':
      return { ...state, messages: markReadUpTo(state.messages, action.messageId, action.readAt, action.readerId) };
    case 'presenceLoaded':
      return action.users.reduce(withPresence, state);
  }
}

function applyEvent(state: FeedState, event: RoomEvent): FeedState {
  switch (event.__typename) {
    case 'MessageEvent':
      return withCursor(withMessages(notTyping(state, event.message.sender.id), [event.message]), event.message.id, event.cursor);
    case 'BidEvent':
      return withCursor(withMessages(state, [{ ...event.message, bidDetails: event.bid }]), event.message.id, event.cursor);
    case 'ReadReceiptEvent':
      return {
        ...state,
        messages: markReadUpTo(state.messages, event.messageId, event.readAt, event.reader.id),
      };
    case 'WarningEvent':
      return { ...state, realtimeWarning: event.code === 'REALTIME_UNAVAILABLE' };
    case 'MessageUpdatedEvent':
      // Only a message on screen changes; an older one is read with its page, as it is now.
      if (!state.messages.some((m) => m.id === event.message.id)) return state;
      return { ...state, messages: mergeMessages(state.messages, [event.message]) };
    case 'TypingEvent':
      if (event.typing) return { ...state, typing: { id: event.user.id, username: event.user.username } };
      return notTyping(state, event.user.id);
    case 'PresenceEvent':
      return withPresence(state, event.user);
  }
}

function withPresence(state: FeedState, { id, online, lastSeenAt }: PresenceFieldsFragment): FeedState {
  const held = state.presence[id];
  if (held && held.online === online && held.lastSeenAt === lastSeenAt) return state;
  return { ...state, presence: { ...state.presence, [id]: { online, lastSeenAt } } };
}

/** Their message ends their typing (the server says so too, but the message may come first). */
function notTyping(state: FeedState, userId: string): FeedState {
  return state.typing?.id === userId ? { ...state, typing: null } : state;
}

/** An event's cursor becomes the newest held when its message is the newest held. */
function withCursor(state: FeedState, messageId: string, cursor: string): FeedState {
  return state.messages.at(-1)?.id === messageId ? { ...state, newestCursor: cursor } : state;
}

function withMessages(state: FeedState, incoming: FeedMessage[]): FeedState {
  return {
    ...state,
    messages: mergeMessages(state.messages, incoming),
    pending: withoutConfirmed(state.pending, incoming),
  };
}

/** The reader has read every message of the other participant up to `messageId`. */
function markReadUpTo(messages: FeedMessage[], messageId: string, readAt: string, readerId: string) {
  const upTo = messages.findIndex((m) => m.id === messageId);
  if (upTo < 0) return messages;
  return messages.map((m, index) =>
    index <= upTo && m.sender.id !== readerId && !m.readAt ? { ...m, readAt, deliveredAt: m.deliveredAt ?? readAt } : m,
  );
}

function withoutConfirmed(pending: PendingMessage[], confirmed: FeedMessage[]): PendingMessage[] {
  if (pending.length === 0) return pending;
  const clientIds = new Set(confirmed.map((m) => m.clientId).filter(Boolean));
  return pending.filter((p) => !clientIds.has(p.clientId));
}

function nodes(page: MessagePage): FeedMessage[] {
  return page.edges.map((edge) => edge.node);
}
