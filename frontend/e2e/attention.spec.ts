/** Arriving at a conversation shows where the unread part starts; a hidden tab counts news. */
import { type Page } from '@playwright/test';
import { expect, messageLog, registerUser, sendText, signIn, startChat, test, unique, waitForLive } from './support/parley';

/** What a switch to another tab does to the page (Playwright's pages are always visible). */
async function hideTab(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

test('the “unread” divider sits above the first message not yet read', async ({ tfuller: organizer, bkirk }) => {
  // A fresh organizer: a room whose read history no other test has touched.
  const password = 'a long test passphrase';
  const newcomer = await registerUser('reader', 'ORGANIZER', password);
  await signIn(organizer, newcomer, password);
  await signIn(bkirk, 'bkirk');
  const roomId = await startChat(organizer, 'bkirk');
  await waitForLive(organizer);
  const read = unique('Already read');
  await sendText(organizer, read);
  await bkirk.goto(`/dm/${roomId}`);
  await waitForLive(bkirk);
  await sendText(bkirk, unique('Seen at once'));
  await expect(messageLog(organizer)).toContainText('Seen at once');
  await organizer.getByRole('link', { name: 'Back to conversations' }).click();

  const first = unique('Unread one');
  const second = unique('Unread two');
  await sendText(bkirk, first);
  await sendText(bkirk, second);
  await expect(organizer.locator(`a[href="/dm/${roomId}"]`).getByLabel('2 unread')).toBeVisible({ timeout: 15_000 });

  await organizer.locator(`a[href="/dm/${roomId}"]`).click();
  await waitForLive(organizer);
  await expect(messageLog(organizer)).toContainText(second);
  const items = messageLog(organizer).locator(':scope > li');
  const texts = await items.allInnerTexts();
  const divider = texts.findIndex((t) => /^unread$/i.test(t.trim()));
  expect(divider).toBeGreaterThan(0);
  expect(texts[divider + 1]).toContain(first);
  await expect(messageLog(organizer).getByText('Today', { exact: true })).toBeVisible();
});

test('a hidden tab counts new messages in its title', async ({ tfuller, bkirk }) => {
  await signIn(tfuller, 'tfuller');
  await signIn(bkirk, 'bkirk');
  const roomId = await startChat(tfuller, 'bkirk');
  await bkirk.goto(`/dm/${roomId}`);
  await waitForLive(tfuller);
  await waitForLive(bkirk);
  await expect(tfuller).toHaveTitle('Parley');

  await hideTab(tfuller);
  for (const label of ['one', 'two', 'three']) {
    const text = unique(label);
    await sendText(bkirk, text);
    await expect(messageLog(tfuller)).toContainText(text, { timeout: 5_000 });
  }
  await expect(tfuller).toHaveTitle('(3) Parley');
});
