/** Builders of the GraphQL payloads the conversation tests feed to the client. */
import type {
  BidFieldsFragment,
  ConversationRoomFieldsFragment,
  MessageFieldsFragment,
  MessagesQuery,
  PresenceFieldsFragment,
  RoomQuery,
} from '../gql/graphql';

export const ORGANIZER = { __typename: 'User' as const, id: '1', username: 'tfuller' };
export const VENDOR = { __typename: 'User' as const, id: '2', username: 'bkirk' };

export function makeMessage(id: number | string, overrides: Partial<MessageFieldsFragment> = {}): MessageFieldsFragment {
  const n = Number(id);
  const sender = overrides.sender ?? VENDOR;
  return {
    __typename: 'Message',
    id: String(id),
    clientId: null,
    text: `message ${id}`,
    messageType: 'TEXT',
    senderUsername: sender.username,
    sender,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, Number.isNaN(n) ? 0 : n)).toISOString(),
    deliveredAt: null,
    readAt: null,
    editedAt: null,
    deletedAt: null,
    attachments: [],
    bidDetails: null,
    ...overrides,
  } as MessageFieldsFragment;
}

export function makeBid(overrides: Partial<BidFieldsFragment> = {}): BidFieldsFragment {
  return {
    __typename: 'Bid',
    id: '7',
    amount: '1250.00',
    currency: 'USD',
    note: 'Full day, two photographers',
    status: 'PENDING',
    createdAt: '2026-01-01T12:00:00+00:00',
    updatedAt: '2026-01-01T12:00:00+00:00',
    createdBy: VENDOR,
    ...overrides,
  } as BidFieldsFragment;
}

export function makePage(
  messages: MessageFieldsFragment[],
  pageInfo: Partial<MessagesQuery['messages']['pageInfo']> = {},
): { data: MessagesQuery } {
  const edges = messages.map((node) => ({ __typename: 'MessageEdge' as const, cursor: `c${node.id}`, node }));
  return {
    data: {
      messages: {
        __typename: 'MessageConnection',
        edges,
        pageInfo: {
          __typename: 'PageInfo',
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
          ...pageInfo,
        },
      },
    } as MessagesQuery,
  };
}

export function presenceOf(
  user: typeof ORGANIZER | typeof VENDOR,
  online = false,
  lastSeenAt: string | null = null,
): PresenceFieldsFragment {
  return { ...user, online, lastSeenAt } as PresenceFieldsFragment;
}

export interface BlockState {
  blocked: boolean;
  blockedByMe: boolean;
}
export const OPEN: BlockState = { blocked: false, blockedByMe: false };

/** Room `id` between tfuller (organizer) and bkirk (vendor), as the conversation reads it. */
export function makeConversationRoom(
  id: string,
  vendor: PresenceFieldsFragment = presenceOf(VENDOR),
  block: BlockState = OPEN,
): ConversationRoomFieldsFragment {
  return { __typename: 'ChatRoom', id, ...block, organizer: presenceOf(ORGANIZER, true), vendor } as ConversationRoomFieldsFragment;
}

/** The Room query's answer for room `id`. */
export function makeRoom(id: string, vendor: PresenceFieldsFragment = presenceOf(VENDOR), block: BlockState = OPEN): { data: RoomQuery } {
  return { data: { room: makeConversationRoom(id, vendor, block) } as RoomQuery };
}
