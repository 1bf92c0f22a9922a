/**
 * A bid inside the conversation. While it is PENDING the vendor may revise or withdraw it
 * and the organizer may accept or decline it; live BidEvents update it through the feed.
 */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { UpdateBidMutation } from './operations';
import type { BidFieldsFragment, BidStatus } from '../gql/graphql';
import { formatAmount } from './format';
import { describeError } from '../app/errors';

export type ParticipantRole = 'ORGANIZER' | 'VENDOR';

const STATUS_LABEL: Record<BidStatus, string> = {
  PENDING: 'Pending',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  WITHDRAWN: 'Withdrawn',
};

interface Props {
  bid: BidFieldsFragment;
  role: ParticipantRole;
  onSaved: (bid: BidFieldsFragment) => void;
}

export function BidCard({ bid, role, onSaved }: Props) {
  const [updateBid, { loading }] = useMutation(UpdateBidMutation);
  const [revising, setRevising] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save(variables: { status?: BidStatus; amount?: string; note?: string | null }) {
    setError(null);
    try {
      // The change is to the terms on screen: if the bid changed meanwhile, the server refuses it.
      const { data } = await updateBid({ variables: { bidId: bid.id, ...variables, expectedUpdatedAt: bid.updatedAt } });
      if (data) onSaved(data.updateBid);
      setRevising(false);
    } catch (err) {
      setError(describeError(err));
    }
  }

  const pending = bid.status === 'PENDING';
  return (
    <section className={`bid-card bid-${bid.status.toLowerCase()}`} aria-label={`Bid ${formatAmount(bid.amount, bid.currency)}`}>
      <header>
        <strong className="bid-amount">{formatAmount(bid.amount, bid.currency)}</strong>
        <span className="bid-status" data-status={bid.status}>
          {STATUS_LABEL[bid.status]}
        </span>
      </header>
      {bid.note && <p className="bid-note">{bid.note}</p>}
      {pending && role === 'ORGANIZER' && (
        <div className="bid-actions">
          <button type="button" disabled={loading} onClick={() => void save({ status: 'ACCEPTED' })}>
            Accept
          </button>
          <button type="button" className="secondary" disabled={loading} onClick={() => void save({ status: 'DECLINED' })}>
            Decline
          </button>
        </div>
      )}
      {pending && role === 'VENDOR' && !revising && (
        <div className="bid-actions">
          <button type="button" disabled={loading} onClick={() => setRevising(true)}>
            Revise
          </button>
          <button type="button" className="secondary" disabled={loading} onClick={() => void save({ status: 'WITHDRAWN' })}>
            Withdraw
          </button>
        </div>
      )}
      {pending && role === 'VENDOR' && revising && (
        <ReviseForm bid={bid} busy={loading} onCancel={() => setRevising(false)} onSubmit={(amount, note) => void save({ amount, note })} />
      )}
      {error && (
        <p className="form-error" role="status">
          {error}
        </p>
      )}
    </section>
  );
}

interface ReviseProps {
  bid: BidFieldsFragment;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (amount: string, note: string | null) => void;
}

function ReviseForm({ bid, busy, onCancel, onSubmit }: ReviseProps) {
  const [amount, setAmount] = useState(bid.amount);
  const [note, setNote] = useState(bid.note ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(amount.trim(), note.trim() || null);
  };
  return (
    <form className="bid-form" onSubmit={submit}>
      <label>
        New amount
        <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} pattern="\d+(\.\d{1,2})?" required />
      </label>
      <label>
        New note
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Save bid
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
