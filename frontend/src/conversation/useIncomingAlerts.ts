/** New messages from the other participant reach the tab's title count and notifications. */
import { useEffect, useRef } from 'react';
import type { FeedMessage } from './feedState';
import { timeKey } from './mergeMessages';
import { tabAttention, type TabAttention } from '../app/tabAttention';

interface Options {
  roomId: string;
  myId: string;
  /** History has loaded: what it held is not news. */
  loaded: boolean;
  attention?: TabAttention;
}

export function useIncomingAlerts(messages: FeedMessage[], { roomId, myId, loaded, attention = tabAttention() }: Options) {
  /** The newest message time already considered; null until history has loaded. */
  const newestSeen = useRef<number | null>(null);

  useEffect(() => {
    if (!loaded) return;
    const newest = messages.length ? timeKey(messages[messages.length - 1].createdAt) : 0;
    const since = newestSeen.current;
    newestSeen.current = Math.max(since ?? 0, newest);
    if (since === null) return;
    for (const message of messages) {
      if (timeKey(message.createdAt) <= since || message.sender.id === myId || message.readAt) continue;
      attention.noteIncoming({ id: message.id, from: message.senderUsername, text: message.text, roomId });
    }
  }, [messages, loaded, myId, roomId, attention]);
}
