/**
 * Blocking: bkirk blocks tfuller and tfuller's composer turns into the note, live; a send the
 * block beat to tfuller's page is refused with the reason and its text kept; after the unblock
 * tfuller sends again.
 */
import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, graphql, messageLog, openConversation, sendText, test, tokenFor, unique } from './support/parley';

const BLOCKED_SIDE = "You can't send messages in this conversation.";
const UNBLOCK = 'mutation($u: String!) { unblockUser(username: $u) { id } }';

test.afterEach(async () => {
  // The demo users' room is shared by every spec: leave it open, whatever a test did.
  await graphql(UNBLOCK, { u: 'tfuller' }, await tokenFor('bkirk'));
  await graphql(UNBLOCK, { u: 'bkirk' }, await tokenFor('tfuller'));
});

async function blockFromThePage(blocker: Page, otherName: string): Promise<void> {
  await blocker.getByRole('button', { name: 'Block' }).click();
  await expect(blocker.getByRole('alertdialog')).toContainText(`Block ${otherName}?`);
  await blocker.getByRole('button', { name: 'Yes, block' }).click();
  await expect(blocker.getByText(`You blocked ${otherName}. Unblock to send messages.`)).toBeVisible();
}

async function composerGone(page: Page): Promise<void> {
  await expect(page.getByLabel('Message', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send' })).toHaveCount(0);
  await expect(page.getByLabel('Attach')).toHaveCount(0);
}

test('bkirk blocks tfuller: tfuller’s composer turns into the note live, and comes back on unblock', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  await expect(tfuller.getByLabel('Message', { exact: true })).toBeVisible();

  await blockFromThePage(bkirk, 'tfuller');
  await composerGone(bkirk);
  await expect(bkirk.getByRole('button', { name: 'Make a bid' })).toHaveCount(0);

  await expect(tfuller.getByText(BLOCKED_SIDE)).toBeVisible({ timeout: 5_000 });
  await composerGone(tfuller);
  await expect(tfuller.getByRole('button', { name: 'Unblock' })).toHaveCount(0);
  // Live, through the socket: no banner, no polling.
  await expect(tfuller.locator('main[data-socket="connected"][data-realtime="live"]')).toBeVisible();

  await bkirk.getByRole('button', { name: 'Unblock' }).click();
  await expect(tfuller.getByLabel('Message', { exact: true })).toBeVisible({ timeout: 5_000 });
  await expect(bkirk.getByLabel('Message', { exact: true })).toBeVisible();
  const text = unique('Talking again');
  await sendText(tfuller, text);
  await expect(messageLog(bkirk)).toContainText(text, { timeout: 5_000 });
});

/**
 * Holds back the server's roomActivity frames to the page while `holding`: the page then
 * learns of a block only when it tries to write. Everything else passes as it is.
 */
async function roomActivityValve(page: Page) {
  const activity = new Set<string>();
  const held: { socket: WebSocketRoute; frame: string }[] = [];
  let holding = false;
  await page.routeWebSocket(/\/graphql\/$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((frame) => {
      if (typeof frame === 'string') {
        const message = JSON.parse(frame) as { id?: string; type?: string; payload?: { query?: string } };
        if (message.type === 'subscribe' && message.id && message.payload?.query?.includes('roomActivity')) {
          activity.add(message.id);
        }
      }
      server.send(frame);
    });
    server.onMessage((frame) => {
      const id = typeof frame === 'string' ? (JSON.parse(frame) as { id?: string }).id : undefined;
      if (holding && id && activity.has(id)) held.push({ socket, frame: frame as string });
      else socket.send(frame);
    });
  });
  return {
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      held.splice(0).forEach(({ socket, frame }) => socket.send(frame));
    },
    heldCount: () => held.length,
  };
}

test('a send the block beat to the page is refused with the reason, keeps its text, and goes after the unblock', async ({
  tfuller,
  bkirk,
}) => {
  const valve = await roomActivityValve(tfuller);
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

  valve.hold();
  await blockFromThePage(bkirk, 'tfuller');
  // The event is on its way to tfuller's page and held there: the page still shows the composer.
  await expect.poll(() => valve.heldCount(), { timeout: 5_000 }).toBeGreaterThan(0);
  const text = unique('Are we still on for Friday?');
  await sendText(tfuller, text);

  await expect(tfuller.getByRole('alert')).toContainText('This conversation is blocked', { timeout: 5_000 });
  const failed = messageLog(tfuller).locator('li', { hasText: text });
  await expect(failed).toContainText('Not sent');
  // Refused, the page read the room again: the note is there even though the event is still held.
  await expect(tfuller.getByText(BLOCKED_SIDE)).toBeVisible();
  await composerGone(tfuller);
  await expect(messageLog(bkirk)).not.toContainText(text);

  valve.release();
  await bkirk.getByRole('button', { name: 'Unblock' }).click();
  await expect(tfuller.getByLabel('Message', { exact: true })).toBeVisible({ timeout: 5_000 });
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(messageLog(bkirk)).toContainText(text, { timeout: 5_000 });
  await expect(tfuller.getByRole('alert')).toHaveCount(0);
});
