import { describe, expect, it, vi } from 'vitest';
import { APP_TITLE, TabAttention } from './tabAttention';

function fakeTab() {
  const target = new EventTarget();
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    title: APP_TITLE,
    addEventListener: target.addEventListener.bind(target),
  };
  const notify = vi.fn();
  const attention = new TabAttention({ document: doc as unknown as Document, notify });
  const setVisible = (visible: boolean) => {
    doc.visibilityState = visible ? 'visible' : 'hidden';
    target.dispatchEvent(new Event('visibilitychange'));
  };
  return { doc, notify, attention, setVisible };
}

const message = (id: string) => ({ id, from: 'bkirk', text: `message ${id}`, roomId: '12' });

describe('TabAttention', () => {
  it('does nothing while the tab is visible', () => {
    const { doc, notify, attention } = fakeTab();
    attention.noteIncoming(message('1'));
    expect(doc.title).toBe('Parley');
    expect(notify).not.toHaveBeenCalled();
  });

  it('counts new messages in the title while hidden, each once, and notifies', () => {
    const { doc, notify, attention, setVisible } = fakeTab();
    setVisible(false);
    for (const id of ['1', '2', '2', '3']) attention.noteIncoming(message(id));
    expect(doc.title).toBe('(3) Parley');
    expect(notify).toHaveBeenCalledTimes(3);
    expect(notify).toHaveBeenLastCalledWith('bkirk', { body: 'message 3', tag: 'parley-room-12' });
  });

  it('resets the title when the tab is shown again, and counts afresh next time', () => {
    const { doc, attention, setVisible } = fakeTab();
    setVisible(false);
    attention.noteIncoming(message('1'));
    setVisible(true);
    expect(doc.title).toBe('Parley');
    setVisible(false);
    attention.noteIncoming(message('2'));
    expect(doc.title).toBe('(1) Parley');
  });
});
