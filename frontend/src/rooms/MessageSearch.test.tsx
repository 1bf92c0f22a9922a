import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { MessageSearch } from './MessageSearch';
import { SEARCH_DEBOUNCE_MS, SEARCH_MAX_LENGTH } from './useMessageSearch';
import { createTestClient, type Handler, type RecordedCall } from '../test/apolloTestClient';
import { ORGANIZER, VENDOR } from '../test/factories';

function edge(id: string, snippet: string, sender = VENDOR) {
  return {
    __typename: 'MessageSearchEdge',
    cursor: `s${id}`,
    snippet,
    node: {
      __typename: 'Message',
      id,
      createdAt: '2026-01-01T12:00:00Z',
      senderUsername: sender.username,
      room: { __typename: 'ChatRoom', id: '12', organizer: ORGANIZER, vendor: VENDOR },
    },
  };
}

function page(edges: ReturnType<typeof edge>[], hasNextPage = false) {
  return {
    data: {
      searchMessages: {
        __typename: 'MessageSearchConnection',
        edges,
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      },
    },
  };
}

function renderSearch(handler: Handler) {
  const harness = createTestClient(handler);
  render(
    <harness.Wrapper>
      <MemoryRouter>
        <MessageSearch myId={ORGANIZER.id} />
      </MemoryRouter>
    </harness.Wrapper>,
  );
  return harness;
}

const searches = (calls: RecordedCall[]) => calls.filter((c) => c.operationName === 'SearchMessages');

afterEach(() => vi.useRealTimers());

describe('MessageSearch', () => {
  it('searches once the typing settles and links each result to its message', async () => {
    const { calls } = renderSearch(() => page([edge('41', '…the quote for the venue…'), edge('7', 'Quote attached', ORGANIZER)]));
    await userEvent.type(screen.getByLabelText('Search messages'), 'quote');
    const results = await screen.findByRole('list', { name: 'Search results' });
    const links = within(results).getAllByRole('link');
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['/dm/12?message=41', '/dm/12?message=7']);
    expect(links[0]).toHaveTextContent('…the quote for the venue…');
    expect(links[0]).toHaveTextContent('bkirk · with bkirk');
    expect(links[1]).toHaveTextContent('You · with bkirk');
    expect(links[0].querySelector('time')).toHaveAttribute('dateTime', '2026-01-01T12:00:00Z');
    // Five keystrokes, one query, for the whole word.
    expect(searches(calls).map((c) => c.variables)).toEqual([{ query: 'quote', first: 20, after: null }]);
  });

  it('says so when nothing matches', async () => {
    renderSearch(() => page([]));
    await userEvent.type(screen.getByLabelText('Search messages'), 'zeppelin');
    expect(await screen.findByText('No messages found')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows the server’s refusal', async () => {
    renderSearch(() => ({ errors: [{ message: 'A search needs at least one word.', extensions: { code: 'BAD_USER_INPUT' } }] }));
    await userEvent.type(screen.getByLabelText('Search messages'), '?');
    expect(await screen.findByRole('alert')).toHaveTextContent('A search needs at least one word.');
    expect(screen.queryByText('No messages found')).not.toBeInTheDocument();
  });

  it('does not send a query longer than the server takes', () => {
    vi.useFakeTimers();
    const { calls } = renderSearch(() => page([]));
    fireEvent.change(screen.getByLabelText('Search messages'), { target: { value: 'x'.repeat(SEARCH_MAX_LENGTH + 1) } });
    expect(screen.getByRole('alert')).toHaveTextContent(`at most ${SEARCH_MAX_LENGTH} characters`);
    act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 3));
    expect(searches(calls)).toHaveLength(0);
    // One character less is a search like any other, after the same pause.
    fireEvent.change(screen.getByLabelText('Search messages'), { target: { value: 'x'.repeat(SEARCH_MAX_LENGTH) } });
    act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS));
    expect(searches(calls)).toHaveLength(1);
  });

  it('appends the next page on “More results”', async () => {
    const { calls } = renderSearch((call) =>
      call.variables.after ? page([edge('3', 'older quote')]) : page([edge('9', 'newer quote')], true),
    );
    await userEvent.type(screen.getByLabelText('Search messages'), 'quote');
    await userEvent.click(await screen.findByRole('button', { name: 'More results' }));
    await screen.findByText('older quote');
    expect(screen.getAllByRole('link').map((link) => link.textContent)).toEqual([
      expect.stringContaining('newer quote'),
      expect.stringContaining('older quote'),
    ]);
    expect(searches(calls).at(-1)?.variables).toEqual({ query: 'quote', first: 20, after: 's9' });
    expect(screen.queryByRole('button', { name: 'More results' })).not.toBeInTheDocument();
  });

  it('shows only the answer to the latest text', async () => {
    const { calls } = renderSearch((call) => page([edge(String(call.variables.query).length.toString(), `hit for ${call.variables.query}`)]));
    const field = screen.getByLabelText('Search messages');
    await userEvent.type(field, 'quo');
    await screen.findByText('hit for quo');
    await userEvent.clear(field);
    await userEvent.type(field, 'deposit');
    await screen.findByText('hit for deposit');
    expect(screen.queryByText('hit for quo')).not.toBeInTheDocument();
    await waitFor(() => expect(searches(calls).map((c) => c.variables.query)).toEqual(['quo', 'deposit']));
  });
});
