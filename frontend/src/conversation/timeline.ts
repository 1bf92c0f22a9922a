/**
 * What the log shows, in order: a separator at each new calendar day ("Today", "Yesterday",
 * a date), the "unread" divider above the first message not read when the reader arrived,
 * the messages, then the pending sends (under "Today").
 */
import type { FeedMessage, PendingMessage } from './feedState';
import { dayLabel } from './format';

export type TimelineItem =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: FeedMessage }
  | { kind: 'pending'; key: string; pending: PendingMessage };

export function buildTimeline(
  messages: FeedMessage[],
  pending: PendingMessage[],
  unreadFromId: string | null,
  now: Date = new Date(),
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let day: string | null = null;
  const startDay = (iso: string) => {
    const date = new Date(iso);
    const key = date.toDateString();
    if (key === day) return;
    day = key;
    items.push({ kind: 'day', key: `day-${key}`, label: dayLabel(date, now) });
  };
  for (const message of messages) {
    startDay(message.createdAt);
    if (message.id === unreadFromId) items.push({ kind: 'unread', key: 'unread' });
    items.push({ kind: 'message', key: message.id, message });
  }
  for (const send of pending) {
    startDay(send.createdAt);
    items.push({ kind: 'pending', key: `pending-${send.clientId}`, pending: send });
  }
  return items;
}
