/** The conversation header says whether the other side is there: "online", then "last seen …". */
import { expect, openConversation, test } from './support/parley';

test('presence shows “online”, then “last seen …” once the other side signs out', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  const presence = tfuller.getByTestId('presence');
  await expect(presence).toHaveText('online');
  await expect(bkirk.getByTestId('presence')).toHaveText('online');

  await bkirk.getByRole('button', { name: 'Sign out' }).click();
  await expect(bkirk).toHaveURL(/\/login$/);
  // The server waits 10 s before calling a closed socket gone (a reconnect must not flap).
  await expect(presence).toHaveText(/^last seen /, { timeout: 25_000 });
});

test('the room list shows a presence dot for the other participant', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  await tfuller.getByRole('link', { name: 'Back to conversations' }).click();
  const row = tfuller.locator('.room', { hasText: 'bkirk' });
  await expect(row.getByRole('img', { name: 'online' })).toBeVisible();
});
