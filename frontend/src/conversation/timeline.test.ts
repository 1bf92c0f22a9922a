import { describe, expect, it } from 'vitest';
import { buildTimeline, type TimelineItem } from './timeline';
import { makeMessage } from '../test/factories';
import type { PendingMessage } from './feedState';

const NOW = new Date(2026, 2, 10, 15, 0); // local time: 10 March 2026, 15:00
const at = (day: number, hour: number) => new Date(2026, 2, day, hour, 0).toISOString();
const shape = (items: TimelineItem[]) =>
  items.map((item) =>
    item.kind === 'day' ? `[${item.label}]` : item.kind === 'unread' ? '--unread--' : item.kind === 'message' ? item.message.id : 'pending',
  );

describe('buildTimeline', () => {
  it('puts a separator before each new day: a date, “Yesterday”, “Today”', () => {
    const messages = [makeMessage(1, { createdAt: at(3, 9) }), makeMessage(2, { createdAt: at(9, 22) }), makeMessage(3, { createdAt: at(9, 23) }), makeMessage(4, { createdAt: at(10, 8) })];
    const labels = shape(buildTimeline(messages, [], null, NOW));
    expect(labels).toEqual([`[${new Date(2026, 2, 3).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}]`, '1', '[Yesterday]', '2', '3', '[Today]', '4']);
  });

  it('names a day of another year with its year', () => {
    const [separator] = buildTimeline([makeMessage(1, { createdAt: new Date(2025, 11, 31, 12).toISOString() })], [], null, NOW);
    expect(separator).toMatchObject({ kind: 'day', label: expect.stringContaining('2025') });
  });

  it('puts the unread divider above the first unread message, after its day separator', () => {
    const messages = [makeMessage(1, { createdAt: at(10, 8) }), makeMessage(2, { createdAt: at(10, 9) })];
    expect(shape(buildTimeline(messages, [], '2', NOW))).toEqual(['[Today]', '1', '--unread--', '2']);
  });

  it('shows pending sends last, under “Today”', () => {
    const pending: PendingMessage = { clientId: 'c', text: 'hi', attachments: [], createdAt: at(10, 14), status: 'sending' };
    expect(shape(buildTimeline([makeMessage(1, { createdAt: at(9, 8) })], [pending], null, NOW))).toEqual([
      '[Yesterday]',
      '1',
      '[Today]',
      'pending',
    ]);
  });

  it('is empty for an empty conversation', () => {
    expect(buildTimeline([], [], null, NOW)).toEqual([]);
  });
});
