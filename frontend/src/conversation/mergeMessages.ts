/**
 * How copies of one message combine (history pages, live events and mutation answers arrive
 * in any order), and the order messages are shown in: (createdAt, id).
 */
import type { BidFieldsFragment, MessageFieldsFragment } from '../gql/graphql';

type FeedMessage = MessageFieldsFragment;

/** Upserts by id, keeping the most advanced state of each message, then sorts. */
export function mergeMessages(current: FeedMessage[], incoming: FeedMessage[]): FeedMessage[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) {
    const held = byId.get(message.id);
    byId.set(message.id, held ? mergeMessage(held, message) : message);
  }
  return [...byId.values()].sort(compareMessages);
}

/**
 * Receipts never revert, bids only move forward, and an edit or delete is never undone by a
 * copy read before it, whatever order copies arrive in.
 */
function mergeMessage(held: FeedMessage, incoming: FeedMessage): FeedMessage {
  return {
    ...incoming,
    ...newerContent(held, incoming),
    deliveredAt: incoming.deliveredAt ?? held.deliveredAt,
    readAt: incoming.readAt ?? held.readAt,
    bidDetails: newerBid(held.bidDetails, incoming.bidDetails),
  };
}

type Content = Pick<FeedMessage, 'text' | 'attachments' | 'editedAt' | 'deletedAt'>;

function newerContent(held: FeedMessage, incoming: FeedMessage): Content {
  const pick = ({ text, attachments, editedAt, deletedAt }: FeedMessage): Content => ({ text, attachments, editedAt, deletedAt });
  if (held.deletedAt) return pick(held);
  if (incoming.deletedAt) return pick(incoming);
  if (!held.editedAt) return pick(incoming);
  return incoming.editedAt && timeKey(incoming.editedAt) >= timeKey(held.editedAt) ? pick(incoming) : pick(held);
}

function newerBid(held: BidFieldsFragment | null, incoming: BidFieldsFragment | null) {
  if (!held || !incoming) return incoming ?? held;
  return timeKey(incoming.updatedAt) >= timeKey(held.updatedAt) ? incoming : held;
}

export function withBid(message: FeedMessage, bid: BidFieldsFragment): FeedMessage {
  if (message.bidDetails?.id !== bid.id) return message;
  return { ...message, bidDetails: newerBid(message.bidDetails, bid) };
}

/** Order by createdAt, then id; compares to the microsecond that ISO strings may carry. */
export function compareMessages(a: FeedMessage, b: FeedMessage): number {
  const byTime = timeKey(a.createdAt) - timeKey(b.createdAt);
  if (byTime !== 0) return byTime;
  return compareIds(a.id, b.id);
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Microseconds since the epoch: Date.parse keeps milliseconds only. */
export function timeKey(iso: string): number {
  const ms = Date.parse(iso);
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  const micros = Number((fraction + '000000').slice(3, 6));
  return ms * 1000 + micros;
}
