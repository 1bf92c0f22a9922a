/**
 * Screenshots of the room list and a conversation for the docs, on a server of its own so
 * that they show a tidy conversation rather than other tests' messages.
 */
import { test as base } from '@playwright/test';
import { join } from 'node:path';
import { expect, makeBid, makePng, messageLog, openConversation, sendText } from './support/parley';
import { FRONTEND_DIR, postJson, startParleyServer, type ParleyServer } from './support/processes';

// The committed copies under docs/ are refreshed only on request (UPDATE_SCREENSHOTS=1), so
// that a test run leaves the working tree as it found it.
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(FRONTEND_DIR, '..', 'docs', 'screenshots')
  : join(FRONTEND_DIR, 'e2e', '.artifacts', 'screenshots');

const test = base.extend<{}, { docsServer: ParleyServer }>({
  docsServer: [
    async ({}, use) => {
      const server = await startParleyServer();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
});

async function registerAndGreet(server: ParleyServer, username: string, text: string) {
  const call = async (query: string, variables: object, token?: string) =>
    (await (await fetch(`${server.baseURL}/graphql/`, postJson({ query, variables }, token))).json()) as {
      data?: Record<string, { token?: string; id?: string }>;
      errors?: unknown;
    };
  const registered = await call(
    'mutation($u: String!, $p: String!) { register(username: $u, password: $p, role: VENDOR) { token } }',
    { u: username, p: 'parley-demo-docs' },
  );
  const token = registered.data?.register.token;
  if (!token) throw new Error(`register ${username}: ${JSON.stringify(registered.errors)}`);
  const room = await call('mutation { ensureRoom(username: "tfuller") { id } }', {}, token);
  await call('mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }', { r: room.data?.ensureRoom.id, t: text }, token);
}

test('screenshots of the room list and a conversation', async ({ browser, docsServer }) => {
  test.setTimeout(90_000);
  const options = { baseURL: docsServer.baseURL, viewport: { width: 1200, height: 800 } };
  const tfullerContext = await browser.newContext(options);
  const bkirkContext = await browser.newContext(options);
  try {
    const tfuller = await tfullerContext.newPage();
    const bkirk = await bkirkContext.newPage();
    await registerAndGreet(docsServer, 'jchen-catering', 'Menu tasting options are attached in my last email.');
    await registerAndGreet(docsServer, 'mreyes-florals', 'Peonies will be in season, good news!');

    await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

    await sendText(tfuller, 'Hi Ben! Are you available for the Harbor Hall gala on June 14?');
    await expect(messageLog(bkirk)).toContainText('Harbor Hall gala');
    await sendText(bkirk, 'Hi Tess, yes, that date is open. Here is the lighting we did there last spring.');
    await bkirk.getByLabel('Attach').setInputFiles({ name: 'harbor-hall-lighting.png', mimeType: 'image/png', buffer: makePng(320, 180, [231, 178, 74]) });
    await expect(bkirk.getByRole('progressbar')).toHaveCount(0, { timeout: 15_000 });
    await bkirk.getByRole('button', { name: 'Send' }).click();
    await makeBid(bkirk, '1250.00', 'Full evening, two photographers, edited gallery in a week');
    await expect(tfuller.getByRole('region', { name: /Bid/ })).toBeVisible({ timeout: 5_000 });
    await sendText(tfuller, 'Looks great, let me check with the client.');
    await expect(messageLog(bkirk).getByText('let me check with the client')).toBeVisible();
    await expect(messageLog(tfuller).getByText('Seen', { exact: true })).toBeVisible({ timeout: 5_000 });
    await expect(messageLog(tfuller).getByRole('img', { name: 'harbor-hall-lighting.png' })).toBeVisible();

    await tfuller.screenshot({ path: join(SHOTS, 'conversation.png') });
    await tfuller.goto('/');
    await expect(tfuller.locator('.room')).toHaveCount(3, { timeout: 10_000 });
    await tfuller.screenshot({ path: join(SHOTS, 'rooms.png') });
  } finally {
    await tfullerContext.close();
    await bkirkContext.close();
  }
});
