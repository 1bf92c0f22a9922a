/**
 * "Search messages" on the room list: results as the caller types (debounced), each a link
 * into its conversation at that message (/dm/<roomId>?message=<id>) with its snippet, who
 * sent it and when; "No messages found", errors, and more results on demand.
 */
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { formatTime } from '../conversation/format';
import { useMessageSearch, type SearchEdge } from './useMessageSearch';

export function MessageSearch({ myId }: { myId: string }) {
  const [text, setText] = useState('');
  const search = useMessageSearch(text);
  const inputId = useId();
  const empty = search.searched !== '' && !search.loading && !search.error && search.edges.length === 0;
  return (
    <div className="message-search" role="search">
      <label htmlFor={inputId}>Search messages</label>
      <input
        id={inputId}
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="e.g. quote"
        autoComplete="off"
      />
      {search.loading && search.edges.length === 0 && <p className="muted">Searching…</p>}
      {search.error && (
        <p className="form-error" role="alert">
          Could not search: {search.error}
        </p>
      )}
      {empty && (
        <p className="muted" role="status">
          No messages found
        </p>
      )}
      {search.edges.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {search.edges.map((edge) => (
            <SearchResult key={edge.node.id} edge={edge} myId={myId} />
          ))}
        </ul>
      )}
      {search.hasMore && (
        <button type="button" className="link" onClick={search.more} disabled={search.loading}>
          {search.loading ? 'Loading…' : 'More results'}
        </button>
      )}
    </div>
  );
}

function SearchResult({ edge, myId }: { edge: SearchEdge; myId: string }) {
  const { node } = edge;
  const { room } = node;
  const other = room.organizer.id === myId ? room.vendor : room.organizer;
  const sender = node.senderUsername === other.username ? other.username : 'You';
  return (
    <li className="search-result">
      <Link to={`/dm/${room.id}?message=${encodeURIComponent(node.id)}`} className="search-link">
        <span className="search-where">
          {sender} · with {other.username}
        </span>
        <span className="search-snippet">{edge.snippet}</span>
        <time className="search-time" dateTime={node.createdAt}>
          {formatTime(node.createdAt)}
        </time>
      </Link>
    </li>
  );
}
