/**
 * GraphiQL at GET /graphql/ runs a query over HTTP and a subscription over the socket, with
 * the Headers tab's Authorization, and fetches nothing from beyond this server.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { baseURL, ensureRoom, expect, graphql, test, tokenFor, unique } from './support/parley';

async function offlineContext(context: BrowserContext): Promise<string[]> {
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1' || hostname === 'localhost') {
      return route.continue();
    }
    outside.push(route.request().url());
    return route.abort();
  });
  return outside;
}

function graphiqlUrl(query: string, token: string, variables?: object): string {
  const params = new URLSearchParams({ query, headers: JSON.stringify({ Authorization: `Bearer ${token}` }) });
  if (variables) params.set('variables', JSON.stringify(variables));
  return `/graphql/?${params}`;
}

async function run(page: Page) {
  await page.getByRole('button', { name: /Execute query/ }).click();
}

const response = (page: Page) => page.locator('.graphiql-response');

test('GraphiQL runs a query and a subscription with no network beyond this server', async ({ browser }) => {
  const token = await tokenFor('tfuller');
  const roomId = await ensureRoom(token, 'bkirk');
  const context = await browser.newContext({ baseURL: baseURL() });
  const outside = await offlineContext(context);
  const sockets: string[] = [];
  try {
    const page = await context.newPage();
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await page.goto(graphiqlUrl('query Me { me { username role } }', token));
    await expect(page.getByRole('button', { name: /Execute query/ })).toBeVisible({ timeout: 20_000 });
    await run(page);
    await expect(response(page)).toContainText('"username": "tfuller"', { timeout: 10_000 });

    const subscription = `subscription Live($roomId: ID!) {
  messageAdded(roomId: $roomId) { __typename ... on MessageEvent { message { text senderUsername } } }
}`;
    await page.evaluate(() => window.localStorage.clear());
    await page.goto(graphiqlUrl(subscription, token, { roomId }));
    await run(page);
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const text = unique('Hello GraphiQL');
    const bkirk = await tokenFor('bkirk');
    // The subscription may take a moment to join the room: send until it shows (bounded).
    await expect(async () => {
      const sent = await graphql('mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }', { r: roomId, t: text }, bkirk);
      expect(sent.errors).toBeUndefined();
      await expect(response(page)).toContainText(text, { timeout: 2_000 });
    }).toPass({ timeout: 15_000 });

    expect(sockets.every((url) => url.startsWith(baseURL().replace('http', 'ws')))).toBe(true);
    expect(outside).toEqual([]);
  } finally {
    await context.close();
  }
});
