/** The vendor's "make a bid" form under the conversation. */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { CreateBidMutation } from './operations';
import type { FeedMessage } from './feedState';
import { describeError } from '../app/errors';

interface Props {
  roomId: string;
  onCreated: (message: FeedMessage) => void;
}

export function BidForm({ roomId, onCreated }: Props) {
  const [createBid, { loading }] = useMutation(CreateBidMutation);
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await createBid({
        variables: { roomId, amount: amount.trim(), currency: currency.trim().toUpperCase() || 'USD', note: note.trim() || null },
      });
      if (data) onCreated(data.createBid);
      setAmount('');
      setNote('');
      setOpen(false);
    } catch (err) {
      setError(describeError(err));
    }
  }

  if (!open) {
    return (
      <button type="button" className="secondary make-bid" onClick={() => setOpen(true)}>
        Make a bid
      </button>
    );
  }
  return (
    <form className="bid-form card" onSubmit={submit} aria-label="New bid">
      <label>
        Amount
        <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} pattern="\d+(\.\d{1,2})?" required />
      </label>
      <label>
        Currency
        <input value={currency} onChange={(e) => setCurrency(e.target.value)} maxLength={3} size={4} />
      </label>
      <label>
        Note
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={loading || !amount.trim()}>
        Submit bid
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && (
        <p className="form-error" role="status">
          {error}
        </p>
      )}
    </form>
  );
}
