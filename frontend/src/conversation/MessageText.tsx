/**
 * A message's text: "Message deleted" once deleted, and for your own text messages the
 * Edit message / Delete message buttons and the inline editor (Save; Escape cancels).
 */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { DeleteMessageMutation, EditMessageMutation } from './operations';
import type { FeedMessage } from './feedState';
import { describeError } from '../app/errors';

interface Props {
  message: FeedMessage;
  mine: boolean;
  onSaved: (message: FeedMessage) => void;
}

export function MessageText({ message, mine, onSaved }: Props) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deleteMessage, { loading: deleting }] = useMutation(DeleteMessageMutation);

  if (message.deletedAt) return <p className="text deleted">Message deleted</p>;
  if (message.messageType === 'BID') return null;
  if (editing) return <MessageEditor message={message} onSaved={onSaved} onClose={() => setEditing(false)} />;

  async function remove() {
    setError(null);
    try {
      const { data } = await deleteMessage({ variables: { messageId: message.id } });
      if (data) onSaved(data.deleteMessage);
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <>
      {message.text && <p className="text">{message.text}</p>}
      {mine && message.messageType === 'TEXT' && (
        <span className="message-actions">
          <button type="button" className="link" onClick={() => setEditing(true)}>
            Edit <span className="visually-hidden">message</span>
          </button>
          <button type="button" className="link" disabled={deleting} onClick={() => void remove()}>
            Delete <span className="visually-hidden">message</span>
          </button>
        </span>
      )}
      {error && <span className="form-error">{error}</span>}
    </>
  );
}

function MessageEditor({ message, onSaved, onClose }: { message: FeedMessage; onSaved: Props['onSaved']; onClose: () => void }) {
  const [text, setText] = useState(message.text);
  const [error, setError] = useState<string | null>(null);
  const [editMessage, { loading }] = useMutation(EditMessageMutation);
  const trimmed = text.trim();

  async function save(event?: FormEvent) {
    event?.preventDefault();
    if (!trimmed || loading) return;
    if (trimmed === message.text) return onClose();
    setError(null);
    try {
      const { data } = await editMessage({ variables: { messageId: message.id, text: trimmed } });
      if (data) onSaved(data.editMessage);
      onClose();
    } catch (err) {
      setError(describeError(err));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    }
  }

  return (
    <form className="message-editor" onSubmit={save}>
      <textarea
        aria-label="Edit message text"
        value={text}
        rows={2}
        maxLength={5000}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="message-actions">
        <button type="submit" disabled={!trimmed || loading}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </span>
      {error && <span className="form-error">{error}</span>}
    </form>
  );
}
