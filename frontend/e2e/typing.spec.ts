/** "<name> is typing…" on the other side: shown while one types, gone when they stop or send. */
import { expect, messageLog, openConversation, sendText, test, unique } from './support/parley';

test('typing shows on the other side and lapses once the typist stops', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  const status = tfuller.getByRole('status');
  await expect(status).toHaveText('');

  await bkirk.getByLabel('Message', { exact: true }).pressSequentially('Let me check the calendar', { delay: 30 });
  await expect(status).toHaveText('bkirk is typing…', { timeout: 5_000 });
  // bkirk leaves the draft as it is: no renewal, so the server lapses it after 6 s.
  await expect(status).toHaveText('', { timeout: 15_000 });
  // The typist never sees their own hint.
  await expect(bkirk.getByRole('status')).toHaveText('');
});

test('sending the message ends the typing hint at once', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');
  await bkirk.getByLabel('Message', { exact: true }).pressSequentially('Yes, the 14th works', { delay: 30 });
  await expect(tfuller.getByRole('status')).toHaveText('bkirk is typing…', { timeout: 5_000 });
  const text = unique('Confirmed');
  await sendText(bkirk, text);
  await expect(messageLog(tfuller)).toContainText(text, { timeout: 5_000 });
  await expect(tfuller.getByRole('status')).toHaveText('', { timeout: 2_000 });
});
