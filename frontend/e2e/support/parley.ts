/**
 * What the browser tests share: one browser context per demo user, signing in through the
 * login form, starting a chat, direct GraphQL calls for setup, and a generated PNG.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { postJson } from './processes';

export const PASSWORD = 'parley-demo';

export function baseURL(): string {
  const url = process.env.PARLEY_BASE_URL;
  if (!url) throw new Error('PARLEY_BASE_URL is not set: the global setup did not run');
  return url;
}

async function userPage(browser: Browser, url: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  return { page, close: () => context.close() };
}

/** `tfuller` (organizer) and `bkirk` (vendor), each in a browser context of their own. */
export const test = base.extend<{ serverURL: string; tfuller: Page; bkirk: Page }>({
  serverURL: async ({}, use) => use(baseURL()),
  tfuller: async ({ browser, serverURL }, use) => {
    const { page, close } = await userPage(browser, serverURL);
    await use(page);
    await close();
  },
  bkirk: async ({ browser, serverURL }, use) => {
    const { page, close } = await userPage(browser, serverURL);
    await use(page);
    await close();
  },
});
export { expect };

export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Uses the room list's "Start chat"; returns the room id from the /dm/<id> it lands on. */
export async function startChat(page: Page, otherUsername: string): Promise<string> {
  await page.getByLabel('Username').fill(otherUsername);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await expect(page).toHaveURL(/\/dm\/[^/]+$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

export function messageLog(page: Page) {
  return page.getByRole('log');
}

/**
 * Both sign in, `starter` starts the chat with `other`, `other` opens it by its address, and
 * both wait until their conversation is live. Returns the room id.
 */
export async function openConversation(
  starter: Page,
  starterName: string,
  other: Page,
  otherName: string,
): Promise<string> {
  await signIn(starter, starterName);
  await signIn(other, otherName);
  const roomId = await startChat(starter, otherName);
  await other.goto(`/dm/${roomId}`);
  await waitForLive(starter);
  await waitForLive(other);
  return roomId;
}

/** The vendor makes a bid through the bid form. */
export async function makeBid(vendor: Page, amount: string, note: string): Promise<void> {
  await vendor.getByRole('button', { name: 'Make a bid' }).click();
  await vendor.getByLabel('Amount').fill(amount);
  await vendor.getByLabel('Note').fill(note);
  await vendor.getByRole('button', { name: 'Submit bid' }).click();
}

export async function sendText(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** Waits until the conversation has loaded and its socket is connected, with no banner. */
export async function waitForLive(page: Page): Promise<void> {
  await expect(page.getByRole('log')).toBeAttached();
  await expect(page.locator('main[data-socket="connected"][data-realtime="live"]')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
}

export async function graphql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(`${baseURL()}/graphql/`, postJson({ query, variables }, token));
  return (await response.json()) as { data?: T; errors?: { message: string }[] };
}

export async function tokenFor(username: string): Promise<string> {
  const result = await graphql<{ tokenAuth: { token: string } }>(
    'mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }',
    { u: username, p: PASSWORD },
  );
  if (!result.data) throw new Error(`tokenAuth(${username}) failed: ${JSON.stringify(result.errors)}`);
  return result.data.tokenAuth.token;
}

export async function ensureRoom(token: string, otherUsername: string): Promise<string> {
  const result = await graphql<{ ensureRoom: { id: string } }>(
    'mutation($u: String!) { ensureRoom(username: $u) { id } }',
    { u: otherUsername },
    token,
  );
  if (!result.data) throw new Error(`ensureRoom(${otherUsername}) failed: ${JSON.stringify(result.errors)}`);
  return result.data.ensureRoom.id;
}

/** A fresh account (through the API), for a test that needs a room with no history. */
export async function registerUser(label: string, role: 'ORGANIZER' | 'VENDOR', password: string): Promise<string> {
  const username = `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const result = await graphql(
    'mutation($u: String!, $p: String!, $r: Role!) { register(username: $u, password: $p, role: $r) { token } }',
    { u: username, p: password, r: role },
  );
  if (result.errors) throw new Error(`register(${username}) failed: ${JSON.stringify(result.errors)}`);
  return username;
}

export function unique(label: string): string {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A valid PNG of one colour (the server sniffs the bytes, so it must be a real image). */
export function makePng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
