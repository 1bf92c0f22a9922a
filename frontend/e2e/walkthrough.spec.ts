/** The original design's "manual verification with two browsers", automated. */
import { expect, messageLog, sendText, signIn, startChat, test, unique, waitForLive } from './support/parley';

test('two signed-in users chat live, and a reload shows the whole history', async ({ tfuller, bkirk }) => {
  await signIn(tfuller, 'tfuller');
  await signIn(bkirk, 'bkirk');

  const roomId = await startChat(tfuller, 'bkirk');
  // bkirk finds the room in their list (kept current by roomActivity) and opens it.
  const roomLink = bkirk.locator(`a[href="/dm/${roomId}"]`);
  await expect(roomLink).toContainText('tfuller', { timeout: 15_000 });
  await roomLink.click();
  await expect(bkirk).toHaveURL(new RegExp(`/dm/${roomId}$`));
  await waitForLive(tfuller);
  await waitForLive(bkirk);

  const hello = unique('Hello from tfuller');
  await sendText(tfuller, hello);
  await expect(messageLog(tfuller)).toContainText(hello, { timeout: 2_000 });
  await expect(messageLog(bkirk)).toContainText(hello, { timeout: 5_000 });

  const reply = unique('Hi tfuller, bkirk here');
  await sendText(bkirk, reply);
  await expect(messageLog(bkirk)).toContainText(reply, { timeout: 2_000 });
  await expect(messageLog(tfuller)).toContainText(reply, { timeout: 5_000 });
  // Live, not by the polling fallback.
  await expect(tfuller.getByRole('alert')).toHaveCount(0);
  await expect(bkirk.getByRole('alert')).toHaveCount(0);

  for (const page of [tfuller, bkirk]) {
    await page.reload();
    await expect(messageLog(page)).toContainText(hello);
    await expect(messageLog(page)).toContainText(reply);
    // Each message once, in the order sent.
    const texts = await messageLog(page).locator('.text').allTextContents();
    expect(texts.filter((t) => t === hello)).toHaveLength(1);
    expect(texts.indexOf(hello)).toBeLessThan(texts.indexOf(reply));
  }
});

test('an unknown username gets a clear message, not a room', async ({ tfuller }) => {
  await signIn(tfuller, 'tfuller');
  await tfuller.getByLabel('Username').fill('nobody-by-this-name');
  await tfuller.getByRole('button', { name: 'Start chat' }).click();
  await expect(tfuller.getByText(/No one called “nobody-by-this-name”/)).toBeVisible();
  await expect(tfuller).toHaveURL(/\/$/);
});
