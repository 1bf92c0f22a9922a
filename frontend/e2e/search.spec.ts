/**
 * Searching messages from the room list: a distinctive word in an old message, more than a
 * page of history after it, found by its result link, which opens the conversation with
 * older pages loaded until the message is there, scrolled into view and highlighted.
 */
import { ensureRoom, expect, graphql, messageLog, signIn, test, tokenFor } from './support/parley';

const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }';

/** Through the API, waiting out the send budget when the run has spent it. */
async function send(token: string, roomId: string, text: string): Promise<string> {
  for (;;) {
    const result = await graphql<{ sendMessage: { id: string } }>(SEND, { r: roomId, t: text }, token);
    if (result.data) return result.data.sendMessage.id;
    const extensions = (result.errors?.[0] as { extensions?: { code?: string; retryAfter?: number } } | undefined)?.extensions;
    if (extensions?.code !== 'RATE_LIMITED') throw new Error(`sendMessage failed: ${JSON.stringify(result.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, Math.ceil((extensions.retryAfter ?? 0.2) * 1000)));
  }
}

test('a search result opens the conversation at an old message, scrolled into view and highlighted', async ({ tfuller }) => {
  const organizer = await tokenFor('tfuller');
  const vendor = await tokenFor('bkirk');
  const roomId = await ensureRoom(organizer, 'bkirk');
  const word = `zeppelin${Date.now().toString(36)}`;
  const old = await send(vendor, roomId, `The ${word} hangar is booked for the launch party, deposit due Friday.`);
  // Seventy newer messages: the conversation's first page (30) is far from the old one.
  for (let i = 0; i < 70; i += 1) await send(i % 2 ? organizer : vendor, roomId, `filler ${i} about the catering`);

  await signIn(tfuller, 'tfuller');
  await tfuller.getByLabel('Search messages').fill(word);
  const results = tfuller.getByRole('list', { name: 'Search results' });
  const result = results.getByRole('link');
  await expect(result).toHaveCount(1);
  await expect(result).toHaveAttribute('href', `/dm/${roomId}?message=${old}`);
  await expect(result).toContainText(`The ${word} hangar is booked`);
  await expect(result).toContainText('bkirk');

  await result.click();
  await expect(tfuller).toHaveURL(new RegExp(`/dm/${roomId}\\?message=${old}$`));
  const message = messageLog(tfuller).locator(`li[data-message-id="${old}"]`);
  await expect(message).toBeVisible();
  await expect(message).toHaveAttribute('aria-current', 'true');
  await expect(message).toHaveClass(/highlighted/);
  await expect(message).toBeInViewport();
  // Within the log's own scrolling box too, not only the window.
  const inside = await message.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const scroller = element.closest('.message-scroller')!.getBoundingClientRect();
    return box.top >= scroller.top && box.bottom <= scroller.bottom;
  });
  expect(inside).toBe(true);
  // It was not on the first page: older history was loaded to reach it.
  expect(await messageLog(tfuller).locator('li.message').count()).toBeGreaterThan(30);
  // The highlight lasts a few seconds, then goes.
  await expect(message).not.toHaveAttribute('aria-current', 'true', { timeout: 10_000 });
  await expect(message).not.toHaveClass(/highlighted/);
});

test('a search with no match says so', async ({ tfuller }) => {
  await signIn(tfuller, 'tfuller');
  await tfuller.getByLabel('Search messages').fill(`nothing${Date.now().toString(36)}here`);
  await expect(tfuller.getByText('No messages found')).toBeVisible();
  await expect(tfuller.getByRole('list', { name: 'Search results' })).toHaveCount(0);
});
