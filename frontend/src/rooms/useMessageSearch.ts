/**
 * Searching the caller's messages as they type: the text settles for SEARCH_DEBOUNCE_MS
 * before one query goes out, an answer to anything but the latest text is dropped, and
 * `more()` appends the next page. Nothing is cached: a search reads what is true now.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { SearchMessagesQuery } from './operations';
import { describeError } from '../app/errors';
import type { SearchMessagesQuery as SearchResult } from '../gql/graphql';

export const SEARCH_DEBOUNCE_MS = 300;
export const SEARCH_PAGE_SIZE = 20;
/** The server's limit: a longer query is not sent. */
export const SEARCH_MAX_LENGTH = 200;

export type SearchEdge = SearchResult['searchMessages']['edges'][number];

export interface MessageSearch {
  /** The text the results are for ('' while nothing is searched). */
  searched: string;
  edges: SearchEdge[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  more(): void;
}

interface Results {
  /** The query these are the answer to (or the error of). */
  searched: string;
  edges: SearchEdge[];
  endCursor: string | null;
  hasMore: boolean;
  error: string | null;
}

const NONE: Results = { searched: '', edges: [], endCursor: null, hasMore: false, error: null };

export function useMessageSearch(text: string): MessageSearch {
  const client = useApolloClient();
  const [results, setResults] = useState<Results>(NONE);
  const [fetching, setFetching] = useState(false);
  const latest = useRef('');
  const wanted = text.trim();

  const fetchPage = useCallback(
    async (query: string, after: string | null) => {
      setFetching(true);
      try {
        const { data } = await client.query({
          query: SearchMessagesQuery,
          variables: { query, first: SEARCH_PAGE_SIZE, after },
          fetchPolicy: 'no-cache',
        });
        if (latest.current !== query) return;
        if (!data) throw new Error('The server returned no results');
        const page = data.searchMessages;
        setResults((prev) => ({
          searched: query,
          edges: after && prev.searched === query ? [...prev.edges, ...page.edges] : page.edges,
          endCursor: page.pageInfo.endCursor ?? null,
          hasMore: page.pageInfo.hasNextPage,
          error: null,
        }));
      } catch (err) {
        if (latest.current !== query) return;
        // A failed "more" keeps the results already shown.
        setResults((prev) => (after && prev.searched === query ? { ...prev, error: describeError(err) } : { ...NONE, searched: query, error: describeError(err) }));
      } finally {
        if (latest.current === query) setFetching(false);
      }
    },
    [client],
  );

  useEffect(() => {
    latest.current = wanted;
    if (!wanted || wanted.length > SEARCH_MAX_LENGTH) return;
    const timer = setTimeout(() => void fetchPage(wanted, null), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [wanted, fetchPage]);

  const more = useCallback(() => {
    if (results.hasMore && results.endCursor && !fetching) void fetchPage(results.searched, results.endCursor);
  }, [results, fetching, fetchPage]);

  if (wanted.length > SEARCH_MAX_LENGTH) {
    const error = `A search can be at most ${SEARCH_MAX_LENGTH} characters long.`;
    return { searched: '', edges: [], loading: false, error, hasMore: false, more };
  }
  const current = wanted && results.searched === wanted ? results : NONE;
  return {
    searched: current.searched,
    edges: current.edges,
    loading: Boolean(wanted) && (fetching || results.searched !== wanted),
    error: current.error,
    hasMore: current.hasMore,
    more,
  };
}
