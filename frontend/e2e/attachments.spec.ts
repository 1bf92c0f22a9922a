/** An image sent by one side is previewed, downloadable and loads for the other side. */
import { expect, makePng, messageLog, openConversation, test, unique } from './support/parley';

test('an image attachment is seen by the other participant', async ({ tfuller, bkirk }) => {
  await openConversation(bkirk, 'bkirk', tfuller, 'tfuller');

  const name = `${unique('swatch').replace(/\W+/g, '-')}.png`;
  await bkirk.getByLabel('Attach').setInputFiles({ name, mimeType: 'image/png', buffer: makePng(96, 64, [47, 91, 234]) });
  // Uploaded (the progress bar is gone) before it can be sent.
  await expect(bkirk.getByRole('list', { name: 'Files to send' })).toContainText(name);
  await expect(bkirk.getByRole('progressbar')).toHaveCount(0, { timeout: 15_000 });
  await bkirk.getByLabel('Message').fill('Moodboard colour');
  await bkirk.getByRole('button', { name: 'Send' }).click();

  for (const page of [bkirk, tfuller]) {
    const image = messageLog(page).getByRole('img', { name });
    await expect(image).toBeVisible({ timeout: 10_000 });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(96);
    await expect(messageLog(page).getByRole('link', { name, exact: true })).toHaveAttribute('download', name);
  }
});
