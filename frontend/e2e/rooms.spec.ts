/**
 * The room list is live through one roomActivity subscription for the whole inbox: a message
 * in a listed room updates its preview and unread badge at once, a room someone else starts
 * appears, and the socket carries no per-room subscription and the list is not polled.
 */
import type { Page } from '@playwright/test';
import { ensureRoom, expect, graphql, registerUser, sendText, signIn, startChat, test, unique, waitForLive } from './support/parley';

/** The operations each graphql-ws `subscribe` frame the page sends asks for. */
function subscribeFrames(page: Page): string[] {
  const subscribed: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string; payload?: { query?: string } };
      if (frame.type === 'subscribe') subscribed.push(frame.payload?.query ?? '');
    }),
  );
  return subscribed;
}

/** How many times the page has asked for the room list over HTTP. */
function roomListReads(page: Page): () => number {
  let reads = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql/') && (request.postData() ?? '').includes('query Rooms')) reads += 1;
  });
  return () => reads;
}

test('the room list updates live through one subscription, with no per-room ones and no polling', async ({ tfuller, bkirk }) => {
  const subscribed = subscribeFrames(bkirk);
  const reads = roomListReads(bkirk);
  await signIn(tfuller, 'tfuller');
  await signIn(bkirk, 'bkirk');
  const roomId = await startChat(tfuller, 'bkirk');
  await waitForLive(tfuller);
  await sendText(tfuller, unique('first'));

  const row = bkirk.locator(`a[href="/dm/${roomId}"]`);
  await expect(row).toContainText('tfuller');
  await expect(bkirk.locator('main[data-socket="connected"][data-realtime="live"]')).toBeVisible();
  // One read on arrival, one once the subscription is on the socket (subscribe, then read).
  await expect.poll(reads).toBe(2);
  for (const label of ['live one', 'live two']) {
    const text = unique(label);
    await sendText(tfuller, text);
    await expect(row.locator('.room-preview')).toHaveText(text, { timeout: 2_500 });
  }
  await expect(row.getByLabel(/unread/)).toBeVisible();

  // A room that a newcomer starts with bkirk shows up, at the top, with no reload.
  const password = 'a long test passphrase';
  const newcomer = await registerUser('starter', 'ORGANIZER', password);
  const token = (await graphql<{ tokenAuth: { token: string } }>(
    'mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }',
    { u: newcomer, p: password },
  )).data!.tokenAuth.token;
  const newRoom = await ensureRoom(token, 'bkirk');
  await expect(bkirk.locator('.room-link').first()).toHaveAttribute('href', `/dm/${newRoom}`, { timeout: 2_500 });
  await expect(bkirk.locator('.room-link').first()).toContainText(newcomer);

  expect(subscribed.length).toBeGreaterThan(0);
  expect(subscribed.every((query) => query.includes('roomActivity') && !query.includes('messageAdded'))).toBe(true);
  expect(reads()).toBe(2);
});
