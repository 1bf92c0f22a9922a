/**
 * Blocking the other participant and lifting one's own block. The answer is the room as the
 * server sees it now: it goes into the cache the page reads the block from, so the composer
 * turns into the note (or back) as soon as the server has answered.
 */
import { useCallback, useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { BlockUserMutation, UnblockUserMutation } from './operations';
import { describeError } from '../app/errors';

export interface Blocking {
  block(): Promise<void>;
  unblock(): Promise<void>;
  busy: boolean;
  error: string | null;
}

export function useBlocking(otherName: string): Blocking {
  const [blockUser, blocking] = useMutation(BlockUserMutation);
  const [unblockUser, unblocking] = useMutation(UnblockUserMutation);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (mutate: () => Promise<unknown>) => {
    setError(null);
    try {
      await mutate();
    } catch (err) {
      setError(describeError(err));
    }
  }, []);

  const block = useCallback(() => run(() => blockUser({ variables: { username: otherName } })), [run, blockUser, otherName]);
  const unblock = useCallback(
    () => run(() => unblockUser({ variables: { username: otherName } })),
    [run, unblockUser, otherName],
  );

  return { block, unblock, busy: blocking.loading || unblocking.loading, error };
}
