/**
 * Every write has a budget and every request a size and cost limit (issue "Hardening, round
 * 2"); none of them may get in the way of a conversation people actually have. This one runs
 * against the server's defaults: a burst of messages, several files at once, a bid revised and
 * accepted, replies, reloads; nothing is refused and nothing is lost.
 */
import { expect, makeBid, makePng, messageLog, openConversation, sendText, test, unique } from './support/parley';

test('a lively conversation stays within the default limits', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

  // A burst: fifteen messages as fast as the vendor can press Send.
  const burst = Array.from({ length: 15 }, (_, i) => unique(`burst ${i + 1}`));
  for (const text of burst) await sendText(bkirk, text);
  for (const page of [bkirk, tfuller]) {
    for (const text of burst) await expect(messageLog(page)).toContainText(text, { timeout: 10_000 });
  }

  // Three files at once; the PNG named .jpg is the common honest mistake and is accepted as .png.
  const tag = unique('files').replace(/\W+/g, '-');
  await bkirk.getByLabel('Attach').setInputFiles([
    { name: `${tag}-plan.png`, mimeType: 'image/png', buffer: makePng(40, 30, [200, 30, 60]) },
    { name: `${tag}-photo.jpg`, mimeType: 'image/jpeg', buffer: makePng(30, 20, [20, 160, 60]) },
    { name: `${tag}-notes.txt`, mimeType: 'text/plain', buffer: Buffer.from('Load-in at 7am, dock B.\n') },
  ]);
  await expect(bkirk.getByRole('progressbar')).toHaveCount(0, { timeout: 15_000 });
  await bkirk.getByLabel('Message').fill('Plans and notes');
  await bkirk.getByRole('button', { name: 'Send' }).click();
  for (const page of [bkirk, tfuller]) {
    const log = messageLog(page);
    await expect(log.getByRole('link', { name: `${tag}-plan.png`, exact: true })).toBeVisible({ timeout: 10_000 });
    await expect(log.getByRole('link', { name: `${tag}-photo.png`, exact: true })).toHaveAttribute('download', `${tag}-photo.png`);
    await expect(log.getByRole('link', { name: `${tag}-notes.txt`, exact: true })).toBeVisible();
  }

  // A bid, revised once, then accepted on the terms the organizer sees.
  const note = unique('Two days, with setup');
  await makeBid(bkirk, '2400.00', note);
  const vendorCard = bkirk.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  await vendorCard.getByRole('button', { name: 'Revise' }).click();
  await vendorCard.getByLabel('New amount').fill('2200.00');
  await vendorCard.getByRole('button', { name: 'Save bid' }).click();
  const organizerCard = tfuller.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  await expect(organizerCard).toContainText('$2,200.00', { timeout: 5_000 });
  await organizerCard.getByRole('button', { name: 'Accept' }).click();
  await expect(organizerCard).toContainText('Accepted');
  await expect(vendorCard).toContainText('Accepted', { timeout: 5_000 });

  // Replies both ways.
  const replies = [unique('Deal, see you Friday'), unique('Great, thanks!')];
  await sendText(tfuller, replies[0]);
  await sendText(bkirk, replies[1]);
  for (const page of [bkirk, tfuller]) {
    for (const text of replies) await expect(messageLog(page)).toContainText(text, { timeout: 5_000 });
  }

  // Nothing was refused along the way, and a reload shows everything once.
  for (const page of [bkirk, tfuller]) {
    await expect(page.getByText(/Too many|try again in|Not sent/)).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.reload();
    for (const text of [...burst, ...replies]) await expect(messageLog(page)).toContainText(text, { timeout: 10_000 });
    const texts = await messageLog(page).locator('.text').allTextContents();
    expect(texts.filter((t) => t === burst[0])).toHaveLength(1);
  }
});
