/** Editing and deleting your own message: the other side sees both live. */
import { expect, messageLog, openConversation, sendText, test, unique } from './support/parley';

test('an edit appears live on the other side, marked “(edited)”', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  const original = unique('See you on the 41st');
  await sendText(tfuller, original);
  const theirs = messageLog(bkirk).locator('li', { hasText: original });
  await expect(theirs).toBeVisible({ timeout: 5_000 });

  const mine = messageLog(tfuller).locator('li', { hasText: original });
  await mine.getByRole('button', { name: 'Edit message' }).click();
  const corrected = unique('See you on the 14th');
  await tfuller.getByLabel('Edit message text').fill(corrected);
  await tfuller.getByRole('button', { name: 'Save' }).click();

  const edited = messageLog(bkirk).locator('li', { hasText: corrected });
  await expect(edited).toBeVisible({ timeout: 5_000 });
  await expect(edited).toContainText('(edited)');
  await expect(messageLog(bkirk)).not.toContainText(original);
  await expect(messageLog(tfuller).locator('li', { hasText: corrected })).toContainText('(edited)');
  // The other side's copy has no edit buttons: it is not theirs.
  await expect(edited.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
});

test('Escape leaves an edit without changing the message', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  const original = unique('Keep this as it is');
  await sendText(tfuller, original);
  const mine = messageLog(tfuller).locator('li', { hasText: original });
  await mine.getByRole('button', { name: 'Edit message' }).click();
  await tfuller.getByLabel('Edit message text').fill('something else');
  await tfuller.getByLabel('Edit message text').press('Escape');
  await expect(tfuller.getByLabel('Edit message text')).toHaveCount(0);
  await expect(mine).not.toContainText('(edited)');
  await tfuller.reload();
  await expect(messageLog(tfuller).locator('li', { hasText: original })).not.toContainText('(edited)');
});

test('a delete appears live on the other side as “Message deleted”', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  const text = unique('Wrong room, sorry');
  await sendText(bkirk, text);
  await expect(messageLog(tfuller)).toContainText(text, { timeout: 5_000 });
  const id = await messageLog(bkirk).locator('li', { hasText: text }).getAttribute('data-message-id');

  await messageLog(bkirk).locator('li', { hasText: text }).getByRole('button', { name: 'Delete message' }).click();
  const gone = messageLog(tfuller).locator(`li[data-message-id="${id}"]`);
  await expect(gone).toContainText('Message deleted', { timeout: 5_000 });
  await expect(messageLog(tfuller)).not.toContainText(text);
  await tfuller.reload();
  await expect(messageLog(tfuller).locator(`li[data-message-id="${id}"]`)).toContainText('Message deleted');
});
