/**
 * What replaces the composer while the room is blocked: for the blocker, who they blocked and
 * the "Unblock" button; for the other side, only that nothing can be sent.
 */
import type { Blocking } from './useBlocking';

interface Props {
  otherName: string;
  blockedByMe: boolean;
  blocking: Blocking;
}

export function BlockedNote({ otherName, blockedByMe, blocking }: Props) {
  return (
    <section className="blocked-note" aria-label="Conversation blocked">
      {blockedByMe ? (
        <>
          <p>You blocked {otherName}. Unblock to send messages.</p>
          <button type="button" disabled={blocking.busy} onClick={() => void blocking.unblock()}>
            Unblock
          </button>
        </>
      ) : (
        <p>You can&apos;t send messages in this conversation.</p>
      )}
    </section>
  );
}
