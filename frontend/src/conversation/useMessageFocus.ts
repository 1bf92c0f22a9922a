/**
 * Opening a conversation at one message (/dm/<roomId>?message=<id>, from a search result):
 * older history is loaded page by page until the message is held, then it is scrolled into
 * view once and highlighted for HIGHLIGHT_MS. `missing` when the whole history is held and
 * the message is not in it; a page that fails to load ends the seeking (Load older remains).
 */
import { useEffect, useRef, useState } from 'react';
import type { RoomFeed } from './useRoomFeed';

export const HIGHLIGHT_MS = 5_000;

export interface MessageFocus {
  highlightedId: string | null;
  missing: boolean;
}

export function useMessageFocus(targetId: string | null, feed: RoomFeed): MessageFocus {
  const { status, loadingOlder, loadOlder } = feed;
  const { messages, hasOlder, oldestCursor } = feed.state;
  const present = targetId !== null && messages.some((message) => message.id === targetId);
  const [failedFor, setFailedFor] = useState<string | null>(null);
  const seeking = targetId !== null && status === 'ready' && !present && failedFor !== targetId;
  const [expiredFor, setExpiredFor] = useState<string | null>(null);
  const scrolledTo = useRef<string | null>(null);

  // One older page at a time: the next is asked for once the previous one is in (a new
  // oldest cursor; loadingOlder alone may go true and back within one render).
  useEffect(() => {
    if (seeking && hasOlder && oldestCursor && !loadingOlder) loadOlder().catch(() => setFailedFor(targetId));
  }, [seeking, hasOlder, oldestCursor, loadingOlder, loadOlder, targetId]);

  // Once the older page is in and the log has settled its own scrolling (MessageList).
  useEffect(() => {
    if (!present || targetId === null || loadingOlder) return;
    if (scrolledTo.current !== targetId) {
      scrolledTo.current = targetId;
      const element = document.querySelector(`[data-message-id="${targetId.replace(/["\\]/g, '\\$&')}"]`);
      element?.scrollIntoView?.({ block: 'center' });
    }
    const timer = setTimeout(() => setExpiredFor(targetId), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [present, targetId, loadingOlder]);

  return {
    highlightedId: present && expiredFor !== targetId ? targetId : null,
    missing: seeking && !hasOlder,
  };
}
