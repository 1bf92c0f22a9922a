/**
 * GraphiQL at GET /graphql/ runs a query over HTTP and a subscription over the socket, with
 * the Headers tab's Authorization, and fetches nothing from beyond this server.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
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
  return `/graphql/#${params}`;
}

/**
 * Opens GraphiQL and waits until it has the schema (introspection) and its Monaco editors
 * show the operation: the run button does nothing before the editors exist.
 */
async function open(page: Page, url: string, operationName: string) {
  const introspected = page.waitForResponse(
    (r) => r.url().endsWith('/graphql/') && (r.request().postData() ?? '').includes('IntrospectionQuery'),
    { timeout: 20_000 },
  );
  await page.goto(url);
  expect((await introspected).ok()).toBe(true);
  await expect(page.getByRole('tab', { name: operationName })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Operation Editor' }).locator('.view-lines')).toContainText(operationName, {
    timeout: 20_000,
  });
  await expect(page.getByRole('region', { name: 'Result Window' }).locator('.view-lines')).toBeAttached({ timeout: 20_000 });
}

/** Presses run until GraphiQL is running the operation (bounded). */
async function run(page: Page, started: () => Promise<void>) {
  await expect(async () => {
    await page.getByRole('button', { name: /Execute query/ }).click();
    await started();
  }).toPass({ timeout: 20_000 });
}

const response = (page: Page) => page.getByRole('region', { name: 'Result Window' });

/** A page in a context of its own (fresh GraphiQL storage) that may only reach this server. */
async function offlinePage(browser: Browser) {
  const context = await browser.newContext({ baseURL: baseURL() });
  const outside = await offlineContext(context);
  const sockets: string[] = [];
  const page = await context.newPage();
  page.on('websocket', (ws) => sockets.push(ws.url()));
  return { context, page, outside, sockets };
}

test('GraphiQL runs a query over HTTP with the Headers tab, offline', async ({ browser }) => {
  const token = await tokenFor('tfuller');
  const { context, page, outside } = await offlinePage(browser);
  try {
    await open(page, graphiqlUrl('query Me { me { username role } }', token), 'Me');
    await run(page, () => expect(response(page)).toContainText('"username": "tfuller"', { timeout: 3_000 }));
    expect(outside).toEqual([]);
  } finally {
    await context.close();
  }
});

test('GraphiQL runs a subscription over the socket with the Headers tab, offline', async ({ browser }) => {
  const token = await tokenFor('tfuller');
  const roomId = await ensureRoom(token, 'bkirk');
  const { context, page, outside, sockets } = await offlinePage(browser);
  try {
    const subscription = `subscription Live($roomId: ID!) {
  messageAdded(roomId: $roomId) { __typename ... on MessageEvent { message { text senderUsername } } }
}`;
    await open(page, graphiqlUrl(subscription, token, { roomId }), 'Live');
    await run(page, () => expect(page.getByRole('button', { name: /Stop query/ })).toBeVisible({ timeout: 3_000 }));
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
