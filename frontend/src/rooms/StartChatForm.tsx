/** "Start chat": get-or-create the 1:1 room with a username, then open it. */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { EnsureRoomMutation } from './operations';
import { describeError, errorCode } from '../app/errors';

export function StartChatForm() {
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ensureRoom, { loading }] = useMutation(EnsureRoomMutation);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const target = username.trim();
    if (!target) return;
    setError(null);
    try {
      const { data } = await ensureRoom({ variables: { username: target } });
      if (data) navigate(`/dm/${data.ensureRoom.id}`);
    } catch (err) {
      setError(errorCode(err) === 'BAD_USER_INPUT' ? `No one called “${target}” can be messaged.` : describeError(err));
    }
  }

  return (
    <form className="start-chat" onSubmit={onSubmit}>
      <label htmlFor="start-chat-username">Username</label>
      <input
        id="start-chat-username"
        value={username}
        onChange={(e) => {
          setUsername(e.target.value);
          setError(null);
        }}
        placeholder="e.g. bkirk"
        autoComplete="off"
      />
      <button type="submit" disabled={loading || !username.trim()}>
        Start chat
      </button>
      {error && (
        <p className="form-error" role="status">
          {error}
        </p>
      )}
    </form>
  );
}
