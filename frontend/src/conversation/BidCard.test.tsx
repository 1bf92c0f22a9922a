import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { BidCard } from './BidCard';
import { UpdateBidMutation } from './operations';
import { makeBid } from '../test/factories';

/** The updatedAt of the bid on screen: every change is sent as a change to those terms. */
const SEEN = makeBid().updatedAt;

function renderCard(props: Partial<Parameters<typeof BidCard>[0]>, mocks: MockLink.MockedResponse[] = []) {
  const onSaved = vi.fn();
  render(
    <MockedProvider mocks={mocks}>
      <BidCard bid={makeBid()} role="ORGANIZER" onSaved={onSaved} {...props} />
    </MockedProvider>,
  );
  return { onSaved };
}

describe('BidCard', () => {
  it('shows amount, note and status', () => {
    renderCard({});
    expect(screen.getByText('$1,250.00')).toBeInTheDocument();
    expect(screen.getByText('Full day, two photographers')).toBeInTheDocument();
    expect(screen.getByText('Pending')).toBeInTheDocument();
  });

  it('lets the organizer accept a pending bid', async () => {
    const accepted = makeBid({ status: 'ACCEPTED', updatedAt: '2026-01-01T12:05:00+00:00' });
    const { onSaved } = renderCard({}, [
      { request: { query: UpdateBidMutation, variables: { bidId: '7', status: 'ACCEPTED', expectedUpdatedAt: SEEN } }, result: { data: { updateBid: accepted } } },
    ]);
    expect(screen.queryByRole('button', { name: 'Withdraw' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: '7', status: 'ACCEPTED' })));
  });

  it('lets the vendor revise the amount and note', async () => {
    const revised = makeBid({ amount: '1100.00', note: 'Half day', updatedAt: '2026-01-01T12:05:00+00:00' });
    const { onSaved } = renderCard({ role: 'VENDOR' }, [
      {
        request: { query: UpdateBidMutation, variables: { bidId: '7', amount: '1100.00', note: 'Half day', expectedUpdatedAt: SEEN } },
        result: { data: { updateBid: revised } },
      },
    ]);
    expect(screen.queryByRole('button', { name: 'Accept' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Revise' }));
    await userEvent.clear(screen.getByLabelText('New amount'));
    await userEvent.type(screen.getByLabelText('New amount'), '1100.00');
    await userEvent.clear(screen.getByLabelText('New note'));
    await userEvent.type(screen.getByLabelText('New note'), 'Half day');
    await userEvent.click(screen.getByRole('button', { name: 'Save bid' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ amount: '1100.00' })));
  });

  it('lets the vendor withdraw', async () => {
    const withdrawn = makeBid({ status: 'WITHDRAWN', updatedAt: '2026-01-01T12:05:00+00:00' });
    const { onSaved } = renderCard({ role: 'VENDOR' }, [
      { request: { query: UpdateBidMutation, variables: { bidId: '7', status: 'WITHDRAWN', expectedUpdatedAt: SEEN } }, result: { data: { updateBid: withdrawn } } },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Withdraw' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ status: 'WITHDRAWN' })));
  });

  it('offers no actions once the bid is settled', () => {
    renderCard({ bid: makeBid({ status: 'DECLINED' }) });
    expect(screen.getByText('Declined')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('accepts the terms on screen: a bid revised meanwhile is sent with the updatedAt it now shows', async () => {
    const revised = makeBid({ amount: '9999999.00', updatedAt: '2026-01-01T12:04:00+00:00' });
    const accepted = { ...revised, status: 'ACCEPTED' as const, updatedAt: '2026-01-01T12:05:00+00:00' };
    const { onSaved } = renderCard({ bid: revised }, [
      {
        request: { query: UpdateBidMutation, variables: { bidId: '7', status: 'ACCEPTED', expectedUpdatedAt: revised.updatedAt } },
        result: { data: { updateBid: accepted } },
      },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ status: 'ACCEPTED' })));
  });

  it('shows the server’s refusal', async () => {
    renderCard({}, [
      {
        request: { query: UpdateBidMutation, variables: { bidId: '7', status: 'DECLINED', expectedUpdatedAt: SEEN } },
        result: { errors: [{ message: 'Bid is no longer pending', extensions: { code: 'BAD_USER_INPUT' } }] },
      },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Decline' }));
    expect(await screen.findByText('Bid is no longer pending')).toBeInTheDocument();
  });
});
