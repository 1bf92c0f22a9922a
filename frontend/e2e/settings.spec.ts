/** /settings and email when away: a user saves an email, goes away, and the server's worker
 * writes the email about their unread message (the file backend, under the server's var/mail). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRoom, expect, graphql, registerUser, signIn, test, tokenFor } from './support/parley';

const PASSPHRASE = 'a long test passphrase';

function mailDir(): string {
  const dir = process.env.PARLEY_MAIL_DIR;
  if (!dir) throw new Error('PARLEY_MAIL_DIR is not set: the global setup did not run');
  return dir;
}

/** Every email file's text that is addressed to `address`. */
function emailsTo(address: string): string[] {
  if (!existsSync(mailDir())) return [];
  return readdirSync(mailDir())
    .map((name) => readFileSync(join(mailDir(), name), 'utf8'))
    .filter((text) => text.includes(`To: ${address}`));
}

test('the settings page saves, and the email file appears', async ({ bkirk: page }) => {
  const username = await registerUser('away', 'VENDOR', PASSPHRASE);
  const address = `${username}@example.com`;
  await signIn(page, username, PASSPHRASE);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const email = page.getByLabel('Email', { exact: true });
  await expect(email).toHaveValue('');
  const notify = page.getByLabel('Email me about unread messages');
  await expect(notify).toBeChecked();

  await email.fill('not an email');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(email).toHaveAccessibleDescription(/not an email address/);

  await email.fill(address);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(address);
  await expect(page.getByLabel('Email me about unread messages')).toBeChecked();

  // The tab closes: once the user shows offline, tfuller writes and nobody reads it.
  await page.close();
  const tfuller = await tokenFor('tfuller');
  const roomId = await ensureRoom(tfuller, username);
  await expect
    .poll(
      async () => {
        const result = await graphql<{ room: { vendor: { online: boolean } } }>(
          'query($id: ID!) { room(id: $id) { vendor { online } } }',
          { id: roomId },
          tfuller,
        );
        return result.data?.room.vendor.online;
      },
      { timeout: 30_000 },
    )
    .toBe(false);
  const sent = await graphql(
    'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }',
    { r: roomId, t: 'Can you bring the long tables on Saturday?' },
    tfuller,
  );
  expect(sent.errors).toBeUndefined();

  await expect.poll(() => emailsTo(address).length, { timeout: 30_000 }).toBe(1);
  const [file] = emailsTo(address);
  expect(file).toContain('Can you bring the long tables on Saturday?');
  expect(file).toContain(`/dm/${roomId}`);
  expect(file).toContain('/email/unsubscribe/');
});
