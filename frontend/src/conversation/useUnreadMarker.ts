/**
 * Where the "unread" divider goes: above the first message of the other participant that was
 * unread when the conversation opened, or, after the tab was hidden, the first that arrived
 * meanwhile. It stays put while those messages are marked read, so the reader sees where
 * they left off.
 */
import { useState } from 'react';
import type { FeedMessage } from './feedState';
import { usePageVisible } from '../app/usePageVisible';

export function useUnreadMarker(messages: FeedMessage[], myId: string, loaded: boolean): string | null {
  const visible = usePageVisible();
  const [marker, setMarker] = useState<string | null>(null);
  /** The next unread message becomes the marker: on arrival, and from each time the tab is hidden. */
  const [armed, setArmed] = useState(true);
  const [wasVisible, setWasVisible] = useState(visible);

  if (visible !== wasVisible) {
    setWasVisible(visible);
    if (!visible) setArmed(true);
  }
  if (armed && loaded) {
    const firstUnread = messages.find((m) => m.sender.id !== myId && !m.readAt && !m.deletedAt);
    if (firstUnread) {
      setMarker(firstUnread.id);
      setArmed(false);
    } else if (visible) {
      setArmed(false); // everything was read: nothing to mark until the tab is hidden again
    }
  }
  return marker;
}
