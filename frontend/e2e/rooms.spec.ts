/** The room list follows its rooms live: a message in a listed room updates its preview and
 * unread badge at once, without waiting for the list's slower poll (10 s). */
import { expect, sendText, signIn, startChat, test, unique, waitForLive } from './support/parley';

test('the room list shows a new message in a listed room live', async ({ tfuller, bkirk }) => {
  await signIn(tfuller, 'tfuller');
  await signIn(bkirk, 'bkirk');
  const roomId = await startChat(tfuller, 'bkirk');
  await waitForLive(tfuller);
  await sendText(tfuller, unique('first'));

  const row = bkirk.locator(`a[href="/dm/${roomId}"]`);
  await expect(row).toContainText('tfuller', { timeout: 15_000 });
  for (const label of ['live one', 'live two']) {
    const text = unique(label);
    await sendText(tfuller, text);
    // Well inside the poll period: only the room's subscription can bring it this fast.
    await expect(row.locator('.room-preview')).toHaveText(text, { timeout: 2_500 });
  }
  await expect(row.getByLabel(/unread/)).toBeVisible();
});
