/**
 * The session over time, on a server whose access tokens last 75 s: the client rotates the
 * tokens a minute before expiry (the old refresh token then stops working), the socket comes
 * back with the new token and keeps delivering, and sign-out revokes the refresh token.
 */
import { test as base, type Page } from '@playwright/test';
import { expect, messageLog, sendText, signIn, startChat, unique, waitForLive } from './support/parley';
import { postJson, startParleyServer, type ParleyServer } from './support/processes';

const test = base.extend<{}, { shortTokens: ParleyServer }>({
  shortTokens: [
    async ({}, use) => {
      const server = await startParleyServer({ ACCESS_TOKEN_SECONDS: '75' });
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
});

const REFRESH = 'mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }';

async function storedRefreshToken(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('parley.session') ?? '{}') as { refreshToken: string }).refreshToken);
}

async function tryRefresh(server: ParleyServer, refreshToken: string) {
  const response = await fetch(`${server.baseURL}/graphql/`, postJson({ query: REFRESH, variables: { t: refreshToken } }));
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

test('tokens rotate before expiry and the socket carries on with the new one', async ({ browser, shortTokens }) => {
  test.setTimeout(90_000);
  const tfullerContext = await browser.newContext({ baseURL: shortTokens.baseURL });
  const bkirkContext = await browser.newContext({ baseURL: shortTokens.baseURL });
  try {
    const tfuller = await tfullerContext.newPage();
    const bkirk = await bkirkContext.newPage();
    await signIn(tfuller, 'tfuller');
    await signIn(bkirk, 'bkirk');
    const firstRefreshToken = await storedRefreshToken(tfuller);
    const roomId = await startChat(tfuller, 'bkirk');
    await bkirk.goto(`/dm/${roomId}`);
    await waitForLive(tfuller);
    await waitForLive(bkirk);

    // Due 60 s before the 75 s expiry, i.e. ~15 s after sign-in; then a new socket opens.
    const rotated = tfuller.waitForRequest((r) => (r.postData() ?? '').includes('refreshToken('), { timeout: 30_000 });
    const newSocket = tfuller.waitForEvent('websocket', { timeout: 35_000 });
    await rotated;
    await newSocket;
    await expect.poll(() => storedRefreshToken(tfuller), { timeout: 5_000 }).not.toBe(firstRefreshToken);
    await waitForLive(tfuller);

    const text = unique('After the rotation');
    await sendText(bkirk, text);
    await expect(messageLog(tfuller)).toContainText(text, { timeout: 5_000 });
    await expect(tfuller.getByRole('alert')).toHaveCount(0);

    // Rotation: the first refresh token no longer works.
    const reused = await tryRefresh(shortTokens, firstRefreshToken);
    expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  } finally {
    await tfullerContext.close();
    await bkirkContext.close();
  }
});

test('a reload stays signed in, and sign-out revokes the refresh token', async ({ browser, shortTokens }) => {
  const context = await browser.newContext({ baseURL: shortTokens.baseURL });
  try {
    const page = await context.newPage();
    await signIn(page, 'tfuller');
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start chat' })).toBeVisible();
    const refreshToken = await storedRefreshToken(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    const afterSignOut = await tryRefresh(shortTokens, refreshToken);
    expect(afterSignOut.data ?? null).toBeNull();
    expect(afterSignOut.errors?.length).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});
