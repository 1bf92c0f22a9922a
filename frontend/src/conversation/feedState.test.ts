import { describe, expect, it } from 'vitest';
import { feedReducer, initialFeedState, type FeedState, type RoomEvent } from './feedState';
import { makeBid, makeMessage, makePage, ORGANIZER, presenceOf, VENDOR } from '../test/factories';

const ids = (state: FeedState) => state.messages.map((m) => m.id);
const loaded = (...messageIds: number[]) =>
  feedReducer(initialFeedState, { type: 'historyLoaded', page: makePage(messageIds.map((id) => makeMessage(id))).data.messages });
const messageEvent = (message: ReturnType<typeof makeMessage>): RoomEvent => ({ __typename: 'MessageEvent', cursor: `c${message.id}`, message });

describe('feedReducer', () => {
  it('merges a live message after the history it follows', () => {
    const state = feedReducer(loaded(1, 2), { type: 'event', event: messageEvent(makeMessage(3)) });
    expect(ids(state)).toEqual(['1', '2', '3']);
  });

  it('ignores a message it already holds, whichever way it came', () => {
    let state = loaded(1, 2);
    state = feedReducer(state, { type: 'event', event: messageEvent(makeMessage(2)) });
    state = feedReducer(state, { type: 'newerLoaded', page: makePage([makeMessage(2)]).data.messages });
    expect(ids(state)).toEqual(['1', '2']);
  });

  it('orders by createdAt, then by id when the times are equal', () => {
    const at = '2026-01-01T12:00:00.000500+00:00';
    let state = loaded();
    for (const message of [
      makeMessage(12, { createdAt: at }),
      makeMessage(9, { createdAt: at }),
      makeMessage(3, { createdAt: '2026-01-01T12:00:00.000400+00:00' }),
      makeMessage(1, { createdAt: '2026-01-01T12:00:01+00:00' }),
    ]) {
      state = feedReducer(state, { type: 'event', event: messageEvent(message) });
    }
    expect(ids(state)).toEqual(['3', '9', '12', '1']);
  });

  it('takes the newest cursor from a live event about the newest message only', () => {
    let state = feedReducer(loaded(1, 2), { type: 'event', event: messageEvent(makeMessage(3)) });
    expect(state.newestCursor).toBe('c3');
    const bid = makeMessage(2, { messageType: 'BID', bidDetails: makeBid({ updatedAt: '2026-01-02T00:00:00+00:00' }) });
    state = feedReducer(state, { type: 'event', event: { __typename: 'BidEvent', cursor: 'c2', message: bid, bid: bid.bidDetails! } });
    expect(state.newestCursor).toBe('c3');
  });

  it('keeps the oldest cursor for older pages and the newest one for polling', () => {
    let state = feedReducer(initialFeedState, {
      type: 'historyLoaded',
      page: makePage([makeMessage(5), makeMessage(6)], { hasPreviousPage: true }).data.messages,
    });
    state = feedReducer(state, { type: 'olderLoaded', page: makePage([makeMessage(3), makeMessage(4)]).data.messages });
    state = feedReducer(state, { type: 'newerLoaded', page: makePage([makeMessage(7)]).data.messages });
    expect(ids(state)).toEqual(['3', '4', '5', '6', '7']);
    expect(state.oldestCursor).toBe('c3');
    expect(state.hasOlder).toBe(false);
    expect(state.newestCursor).toBe('c7');
  });

  it('replaces a pending send with the server copy carrying its clientId', () => {
    let state = feedReducer(loaded(1), {
      type: 'sendStarted',
      pending: { clientId: 'abc', text: 'hi', attachments: [], createdAt: new Date().toISOString(), status: 'sending' },
    });
    state = feedReducer(state, { type: 'event', event: messageEvent(makeMessage(2, { clientId: 'abc', sender: ORGANIZER })) });
    expect(state.pending).toEqual([]);
    expect(ids(state)).toEqual(['1', '2']);
  });

  it('updates the bid card from a BidEvent', () => {
    const bidMessage = makeMessage(4, { messageType: 'BID', bidDetails: makeBid() });
    let state = feedReducer(loaded(1), { type: 'event', event: messageEvent(bidMessage) });
    const accepted = makeBid({ status: 'ACCEPTED', updatedAt: '2026-01-01T12:05:00+00:00' });
    state = feedReducer(state, { type: 'event', event: { __typename: 'BidEvent', cursor: 'c4', message: bidMessage, bid: accepted } });
    expect(state.messages.find((m) => m.id === '4')?.bidDetails?.status).toBe('ACCEPTED');
    // A stale copy of the message (e.g. from a poll) does not turn the bid back.
    state = feedReducer(state, { type: 'newerLoaded', page: makePage([bidMessage]).data.messages });
    expect(state.messages.find((m) => m.id === '4')?.bidDetails?.status).toBe('ACCEPTED');
  });

  it('marks the other side’s messages read up to the receipt, and never unmarks them', () => {
    let state = loaded();
    for (const message of [
      makeMessage(1, { sender: ORGANIZER }),
      makeMessage(2, { sender: VENDOR }),
      makeMessage(3, { sender: ORGANIZER }),
      makeMessage(4, { sender: ORGANIZER }),
    ]) {
      state = feedReducer(state, { type: 'event', event: messageEvent(message) });
    }
    const receipt: RoomEvent = { __typename: 'ReadReceiptEvent', messageId: '3', readAt: '2026-01-01T13:00:00+00:00', reader: VENDOR };
    state = feedReducer(state, { type: 'event', event: receipt });
    expect(state.messages.map((m) => Boolean(m.readAt))).toEqual([true, false, true, false]);
    state = feedReducer(state, { type: 'event', event: messageEvent(makeMessage(3, { sender: ORGANIZER })) });
    expect(state.messages[2].readAt).toBe('2026-01-01T13:00:00+00:00');
  });

  it('raises and clears the realtime warning', () => {
    let state = feedReducer(loaded(), {
      type: 'event',
      event: { __typename: 'WarningEvent', code: 'REALTIME_UNAVAILABLE', detail: 'Redis is down' },
    });
    expect(state.realtimeWarning).toBe(true);
    state = feedReducer(state, { type: 'event', event: { __typename: 'WarningEvent', code: 'REALTIME_RESTORED', detail: '' } });
    expect(state.realtimeWarning).toBe(false);
  });

  it('shows an edit from a MessageUpdatedEvent, and a copy read before it does not undo it', () => {
    const original = makeMessage(2, { text: 'See you on the 41st' });
    let state = feedReducer(loaded(1), { type: 'event', event: messageEvent(original) });
    const edited = { ...original, text: 'See you on the 14th', editedAt: '2026-01-01T12:10:00+00:00' };
    state = feedReducer(state, { type: 'event', event: { __typename: 'MessageUpdatedEvent', message: edited } });
    expect(state.messages[1]).toMatchObject({ text: 'See you on the 14th', editedAt: '2026-01-01T12:10:00+00:00' });
    state = feedReducer(state, { type: 'newerLoaded', page: makePage([original]).data.messages });
    expect(state.messages[1].text).toBe('See you on the 14th');
  });

  it('shows a delete from a MessageUpdatedEvent, and nothing brings the text back', () => {
    const original = makeMessage(2, { text: 'Oops, wrong room' });
    let state = feedReducer(loaded(1), { type: 'event', event: messageEvent(original) });
    const deleted = { ...original, text: '', attachments: [], deletedAt: '2026-01-01T12:10:00+00:00' };
    state = feedReducer(state, { type: 'event', event: { __typename: 'MessageUpdatedEvent', message: deleted } });
    expect(state.messages[1]).toMatchObject({ text: '', deletedAt: '2026-01-01T12:10:00+00:00' });
    state = feedReducer(state, { type: 'pageReread', page: makePage([makeMessage(1), original]).data.messages });
    state = feedReducer(state, { type: 'event', event: messageEvent(original) });
    expect(state.messages[1]).toMatchObject({ text: '', deletedAt: '2026-01-01T12:10:00+00:00' });
  });

  it('ignores an update to a message it does not hold (its page brings it as it is)', () => {
    const state = loaded(5, 6);
    const edited = makeMessage(2, { text: 'old, edited', editedAt: '2026-01-01T12:10:00+00:00' });
    expect(feedReducer(state, { type: 'event', event: { __typename: 'MessageUpdatedEvent', message: edited } })).toBe(state);
  });

  it('keeps a page read again from moving the cursors back', () => {
    const state = feedReducer(loaded(3, 4), { type: 'pageReread', page: makePage([makeMessage(1), makeMessage(2)]).data.messages });
    expect(ids(state)).toEqual(['1', '2', '3', '4']);
    expect(state.newestCursor).toBe('c4');
  });

  it('shows who is typing until their TypingEvent says they stopped', () => {
    const typing = (on: boolean): RoomEvent => ({ __typename: 'TypingEvent', typing: on, user: VENDOR });
    let state = feedReducer(loaded(1), { type: 'event', event: typing(true) });
    expect(state.typing).toEqual({ id: VENDOR.id, username: 'bkirk' });
    state = feedReducer(state, { type: 'event', event: typing(false) });
    expect(state.typing).toBeNull();
  });

  it('ends typing when the typist’s message arrives, or a new socket replaces the old', () => {
    const typing: RoomEvent = { __typename: 'TypingEvent', typing: true, user: VENDOR };
    let state = feedReducer(loaded(1), { type: 'event', event: typing });
    state = feedReducer(state, { type: 'event', event: messageEvent(makeMessage(2, { sender: ORGANIZER })) });
    expect(state.typing).not.toBeNull();
    state = feedReducer(state, { type: 'event', event: messageEvent(makeMessage(3, { sender: VENDOR })) });
    expect(state.typing).toBeNull();
    state = feedReducer(feedReducer(state, { type: 'event', event: typing }), { type: 'socketReconnected' });
    expect(state.typing).toBeNull();
  });

  it('follows presence: as loaded with the room, then as each PresenceEvent says', () => {
    let state = feedReducer(loaded(), { type: 'presenceLoaded', users: [presenceOf(ORGANIZER, true), presenceOf(VENDOR)] });
    expect(state.presence).toEqual({
      [ORGANIZER.id]: { online: true, lastSeenAt: null },
      [VENDOR.id]: { online: false, lastSeenAt: null },
    });
    state = feedReducer(state, { type: 'event', event: { __typename: 'PresenceEvent', user: presenceOf(VENDOR, true) } });
    expect(state.presence[VENDOR.id]).toEqual({ online: true, lastSeenAt: null });
    const away = presenceOf(VENDOR, false, '2026-01-01T12:30:00+00:00');
    state = feedReducer(state, { type: 'event', event: { __typename: 'PresenceEvent', user: away } });
    expect(state.presence[VENDOR.id]).toEqual({ online: false, lastSeenAt: '2026-01-01T12:30:00+00:00' });
    expect(feedReducer(state, { type: 'event', event: { __typename: 'PresenceEvent', user: away } })).toBe(state);
  });
});
