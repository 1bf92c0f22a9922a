/** "<name> is typing…", in a status region that is always there so that it is announced. */
import type { Participant } from './feedState';

export function TypingIndicator({ typist }: { typist: Participant | null }) {
  return (
    <p role="status" className="typing-indicator">
      {typist ? `${typist.username} is typing…` : ''}
    </p>
  );
}
