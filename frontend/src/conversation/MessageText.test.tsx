import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageText } from './MessageText';
import { createTestClient, type Handler } from '../test/apolloTestClient';
import { makeMessage, ORGANIZER } from '../test/factories';
import type { FeedMessage } from './feedState';

const mine = makeMessage(5, { text: 'See you on the 41st', sender: ORGANIZER });

function renderText(message: FeedMessage, isMine: boolean, handler: Handler = () => ({ data: null })) {
  const onSaved = vi.fn();
  const harness = createTestClient(handler);
  render(
    <harness.Wrapper>
      <MessageText message={message} mine={isMine} onSaved={onSaved} />
    </harness.Wrapper>,
  );
  return { ...harness, onSaved };
}

describe('MessageText', () => {
  it('offers Edit message and Delete message on your own text messages only', () => {
    renderText(mine, true);
    expect(screen.getByRole('button', { name: 'Edit message' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete message' })).toBeInTheDocument();
  });

  it('offers nothing on the other side’s messages', () => {
    renderText(makeMessage(6), false);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('edits inline and saves the trimmed text', async () => {
    const edited = { ...mine, text: 'See you on the 14th', editedAt: '2026-01-01T12:10:00+00:00' };
    const { calls, onSaved } = renderText(mine, true, () => ({ data: { editMessage: edited } }));
    await userEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    const field = screen.getByLabelText('Edit message text');
    await userEvent.clear(field);
    await userEvent.type(field, ' See you on the 14th ');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(edited));
    expect(calls[0]).toMatchObject({ operationName: 'EditMessage', variables: { messageId: '5', text: 'See you on the 14th' } });
    expect(screen.queryByLabelText('Edit message text')).not.toBeInTheDocument();
  });

  it('cancels an edit with Escape, sending nothing', async () => {
    const { calls } = renderText(mine, true);
    await userEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    await userEvent.type(screen.getByLabelText('Edit message text'), ' and more{Escape}');
    expect(screen.queryByLabelText('Edit message text')).not.toBeInTheDocument();
    expect(screen.getByText('See you on the 41st')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('shows the server’s refusal of an edit and stays in the editor', async () => {
    renderText(mine, true, () => ({
      errors: [{ message: 'The edit window has passed.', extensions: { code: 'BAD_USER_INPUT' } }],
    }));
    await userEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    await userEvent.type(screen.getByLabelText('Edit message text'), '!');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The edit window has passed.')).toBeInTheDocument();
    expect(screen.getByLabelText('Edit message text')).toBeInTheDocument();
  });

  it('deletes and hands back the deleted copy', async () => {
    const deleted = { ...mine, text: '', deletedAt: '2026-01-01T12:10:00+00:00' };
    const { calls, onSaved } = renderText(mine, true, () => ({ data: { deleteMessage: deleted } }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete message' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(deleted));
    expect(calls[0]).toMatchObject({ operationName: 'DeleteMessage', variables: { messageId: '5' } });
  });

  it('shows “Message deleted” and no actions for a deleted message', () => {
    renderText({ ...mine, text: '', deletedAt: '2026-01-01T12:10:00+00:00' }, true);
    expect(screen.getByText('Message deleted')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
