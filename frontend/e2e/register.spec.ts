/** Sign-up: a newcomer makes an account at /register and talks to a vendor straight away. */
import { expect, messageLog, registerUser, sendText, signIn, test, waitForLive } from './support/parley';

const PASSPHRASE = 'a long test passphrase';
const newName = (label: string) => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

test('a new account made through /register starts a chat with bkirk', async ({ tfuller: newcomer, bkirk }) => {
  await newcomer.goto('/login');
  await newcomer.getByRole('link', { name: 'Create account' }).click();
  await expect(newcomer).toHaveURL(/\/register$/);
  const username = newName('planner');
  await newcomer.getByLabel('Username').fill(username);
  await newcomer.getByLabel('Password').fill(PASSPHRASE);
  await newcomer.getByLabel('Role').selectOption('Organizer');
  await newcomer.getByRole('button', { name: 'Create account' }).click();
  await expect(newcomer).toHaveURL(/\/$/);
  await expect(newcomer.locator('.whoami')).toContainText(username);

  await newcomer.getByLabel('Username').fill('bkirk');
  await newcomer.getByRole('button', { name: 'Start chat' }).click();
  await expect(newcomer).toHaveURL(/\/dm\/[^/]+$/);
  await waitForLive(newcomer);
  await expect(messageLog(newcomer)).toHaveText('No messages yet');

  await sendText(newcomer, 'Hello, are you free on the 14th?');
  await expect(messageLog(newcomer)).toContainText('Hello, are you free on the 14th?');
  await expect(messageLog(newcomer)).not.toContainText('No messages yet');
  await signIn(bkirk, 'bkirk');
  await expect(bkirk.locator('.room', { hasText: username })).toContainText('Hello, are you free on the 14th?');
});

test('an empty conversation says “No messages yet”', async ({ tfuller: page }) => {
  const username = await registerUser('quiet', 'VENDOR', PASSPHRASE);
  await signIn(page, 'tfuller');
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await waitForLive(page);
  await expect(messageLog(page).getByText('No messages yet')).toBeVisible();
  await expect(messageLog(page).locator('li')).toHaveCount(1);
});

test('a taken username and the username rule are explained next to the field', async ({ tfuller: page }) => {
  await page.goto('/register');
  const field = page.getByLabel('Username');
  await expect(field).toHaveAccessibleDescription(/3 to 30 characters/);
  await field.fill('bkirk');
  await page.getByLabel('Password').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(field).toHaveAccessibleDescription('That username is taken.');
  await field.fill('no spaces please');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(field).toHaveAccessibleDescription(/A username is 3 to 30 characters/);
  await expect(page).toHaveURL(/\/register$/);
});
