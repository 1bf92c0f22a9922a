/** A vendor's bid appears live for the organizer, whose acceptance appears live for the vendor. */
import { expect, makeBid, openConversation, test, unique } from './support/parley';

test('a bid is made by the vendor and accepted by the organizer, live on both sides', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

  const note = unique('Full day, two photographers');
  await makeBid(bkirk, '1250.00', note);

  const organizerCard = tfuller.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  const vendorCard = bkirk.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  await expect(vendorCard).toContainText('Pending');
  await expect(organizerCard).toContainText('$1,250.00', { timeout: 5_000 });
  await expect(organizerCard).toContainText('Pending');

  await organizerCard.getByRole('button', { name: 'Accept' }).click();
  await expect(organizerCard).toContainText('Accepted');
  await expect(vendorCard).toContainText('Accepted', { timeout: 5_000 });
  await expect(vendorCard.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
});

test('a vendor revises a pending bid and the organizer sees the new amount', async ({ tfuller, bkirk }) => {
  await openConversation(tfuller, 'tfuller', bkirk, 'bkirk');

  const note = unique('Half day');
  await makeBid(bkirk, '900', note);
  const vendorCard = bkirk.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  await vendorCard.getByRole('button', { name: 'Revise' }).click();
  await vendorCard.getByLabel('New amount').fill('850.00');
  await vendorCard.getByRole('button', { name: 'Save bid' }).click();

  const organizerCard = tfuller.getByRole('region', { name: /Bid/ }).filter({ hasText: note });
  await expect(organizerCard).toContainText('$850.00', { timeout: 5_000 });
  await organizerCard.getByRole('button', { name: 'Decline' }).click();
  await expect(vendorCard).toContainText('Declined', { timeout: 5_000 });
});
