/** The conversation's header: back link, the other participant and Refresh. */
import { Link } from 'react-router';

interface Props {
  otherName: string;
  onRefresh: () => void;
}

export function ConversationHeader({ otherName, onRefresh }: Props) {
  return (
    <header className="conversation-header">
      <Link to="/" aria-label="Back to conversations">
        ←
      </Link>
      <h2>{otherName}</h2>
      <button type="button" className="secondary" onClick={onRefresh}>
        Refresh
      </button>
    </header>
  );
}
