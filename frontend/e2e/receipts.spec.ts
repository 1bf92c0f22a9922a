/** "Seen" appears on the sender's message once the other participant has it on screen. */
import { expect, messageLog, sendText, signIn, startChat, test, unique, waitForLive } from './support/parley';

test('a read receipt reaches the sender live', async ({ tfuller, bkirk }) => {
  await signIn(tfuller, 'tfuller');
  await signIn(bkirk, 'bkirk');
  const roomId = await startChat(tfuller, 'bkirk');
  await waitForLive(tfuller);

  const text = unique('Are you free on the 14th?');
  await sendText(tfuller, text);
  const mine = messageLog(tfuller).locator('li', { hasText: text });
  await expect(mine).toBeVisible();
  await expect(mine).not.toContainText('Seen');

  // bkirk (on the room list) sees it as unread, then opens the conversation.
  const roomLink = bkirk.locator(`a[href="/dm/${roomId}"]`);
  await expect(roomLink.getByLabel(/unread/)).toBeVisible({ timeout: 15_000 });
  await roomLink.click();
  await expect(messageLog(bkirk)).toContainText(text);

  await expect(mine).toContainText('Seen', { timeout: 5_000 });
  // Only the newest read message carries the mark.
  await expect(messageLog(tfuller).getByText('Seen', { exact: true })).toHaveCount(1);
});
