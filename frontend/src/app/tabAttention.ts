/**
 * Getting the user's attention while the tab is hidden: each new message from someone else
 * counts in the title ("(3) Parley") and shows a browser notification when permitted. Coming
 * back to the tab resets the title. One per page (the title is the page's).
 */
export interface Incoming {
  id: string;
  from: string;
  text: string;
  roomId: string;
}

interface Env {
  document: Pick<Document, 'visibilityState' | 'title' | 'addEventListener'>;
  notify?: (title: string, options: NotificationOptions) => void;
}

export const APP_TITLE = 'Parley';

export class TabAttention {
  private count = 0;
  private readonly counted = new Set<string>();

  constructor(private readonly env: Env = browserEnv()) {
    env.document.addEventListener('visibilitychange', () => {
      if (env.document.visibilityState === 'hidden') return;
      this.count = 0;
      env.document.title = APP_TITLE;
    });
  }

  /** A message that just arrived; ignored while the tab is visible, and counted once. */
  noteIncoming(message: Incoming): void {
    if (this.env.document.visibilityState !== 'hidden' || this.counted.has(message.id)) return;
    this.counted.add(message.id);
    this.count += 1;
    this.env.document.title = `(${this.count}) ${APP_TITLE}`;
    this.env.notify?.(message.from, { body: message.text || 'New message', tag: `parley-room-${message.roomId}` });
  }
}

function browserEnv(): Env {
  return {
    document,
    notify: (title, options) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const notification = new Notification(title, options);
      notification.onclick = () => window.focus();
    },
  };
}

let shared: TabAttention | null = null;

/** The page's one TabAttention. */
export function tabAttention(): TabAttention {
  shared ??= new TabAttention();
  return shared;
}
