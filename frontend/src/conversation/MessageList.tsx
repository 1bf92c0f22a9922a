/**
 * The message log (role="log"). Loads older pages when scrolled to the top (keeping the
 * view where it was) and follows new messages while the reader is at the bottom.
 */
import { useLayoutEffect, useRef, type ReactNode, type UIEvent } from 'react';

interface Props {
  children: ReactNode;
  itemCount: number;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
}

const NEAR_EDGE_PX = 80;

export function MessageList({ children, itemCount, hasOlder, loadingOlder, onLoadOlder }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previousHeight = useRef(0);
  const previousScrollTop = useRef(0);
  const prepending = useRef(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (prepending.current) {
      // Older messages went in above: keep the same messages under the reader's eyes.
      el.scrollTop = previousScrollTop.current + (el.scrollHeight - previousHeight.current);
      prepending.current = false;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [itemCount, loadingOlder]);

  function loadOlder() {
    const el = ref.current;
    if (!el || loadingOlder || !hasOlder) return;
    prepending.current = true;
    previousHeight.current = el.scrollHeight;
    previousScrollTop.current = el.scrollTop;
    onLoadOlder();
  }

  function onScroll(event: UIEvent<HTMLDivElement>) {
    const el = event.currentTarget;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_EDGE_PX;
    if (el.scrollTop < NEAR_EDGE_PX) loadOlder();
  }

  return (
    <div className="message-scroller" ref={ref} onScroll={onScroll}>
      {hasOlder && (
        <button type="button" className="link load-older" onClick={loadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      <ol role="log" aria-label="Conversation history" aria-live="polite" className="message-list">
        {children}
      </ol>
    </div>
  );
}
