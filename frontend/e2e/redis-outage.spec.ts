/**
 * Realtime degrades, never breaks: with the server's Redis stopped mid-conversation the page
 * shows the banner and still gets the other side's messages by polling; when Redis is back
 * the banner goes. Uses a Redis and a server of its own.
 */
import { test as base } from '@playwright/test';
import { expect, messageLog, openConversation, sendText, unique } from './support/parley';
import { RedisProcess, startParleyServer, type ParleyServer } from './support/processes';

const test = base.extend<{}, { outage: { redis: RedisProcess; server: ParleyServer } }>({
  outage: [
    async ({}, use) => {
      const redis = await RedisProcess.create();
      await redis.start();
      const server = await startParleyServer({ REDIS_URL: redis.url });
      await use({ redis, server });
      await server.stop();
      await redis.stop();
    },
    { scope: 'worker' },
  ],
});

test('with Redis down the banner shows and messages still arrive by polling', async ({ browser, outage }) => {
  test.setTimeout(120_000);
  const { redis, server } = outage;
  const tfullerContext = await browser.newContext({ baseURL: server.baseURL });
  const bkirkContext = await browser.newContext({ baseURL: server.baseURL });
  try {
    const tfuller = await tfullerContext.newPage();
    const bkirk = await bkirkContext.newPage();
    await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

    const before = unique('Live before the outage');
    await sendText(tfuller, before);
    await expect(messageLog(bkirk)).toContainText(before, { timeout: 5_000 });

    const polls: string[] = [];
    bkirk.on('request', (request) => {
      const body = request.postData() ?? '';
      if (body.includes('"operationName":"Messages"') && body.includes('"first":100')) polls.push(body);
    });
    await redis.stop();
    await expect(bkirk.getByRole('alert')).toBeVisible({ timeout: 15_000 });

    const during = unique('Sent while Redis is down');
    await sendText(tfuller, during);
    await expect(messageLog(tfuller)).toContainText(during);
    await expect(tfuller.locator('.pending.failed')).toHaveCount(0);
    // The poll runs every 8 s: the message arrives within ~10 s without a reload.
    await expect(messageLog(bkirk)).toContainText(during, { timeout: 10_500 });
    expect(polls.length).toBeGreaterThan(0);

    await redis.start();
    await expect(bkirk.getByRole('alert')).toHaveCount(0, { timeout: 20_000 });
    await expect(tfuller.getByRole('alert')).toHaveCount(0, { timeout: 20_000 });

    const after = unique('Live again');
    await sendText(bkirk, after);
    await expect(messageLog(tfuller)).toContainText(after, { timeout: 5_000 });
    const texts = await messageLog(bkirk).locator('.text').allTextContents();
    expect(texts.filter((t) => t === during)).toHaveLength(1);
  } finally {
    await tfullerContext.close();
    await bkirkContext.close();
  }
});
