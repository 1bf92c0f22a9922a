/**
 * The header's "Block" button, and the confirmation it asks for before blocking: what a
 * block does, "Yes, block" and "Cancel". Hidden while the caller's own block holds (the
 * note offers "Unblock" then).
 */
import { useId, useState } from 'react';
import type { Blocking } from './useBlocking';

interface Props {
  otherName: string;
  blocking: Blocking;
}

export function BlockControl({ otherName, blocking }: Props) {
  const [confirming, setConfirming] = useState(false);
  const titleId = useId();

  if (!confirming) {
    return (
      <button type="button" className="secondary" onClick={() => setConfirming(true)}>
        Block
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby={titleId} className="confirm card">
      <p id={titleId}>
        Block {otherName}? Neither of you will be able to send messages, bids or files here until you unblock.
      </p>
      <div className="confirm-actions">
        <button
          type="button"
          className="danger"
          disabled={blocking.busy}
          onClick={() => void blocking.block().then(() => setConfirming(false))}
        >
          Yes, block
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
