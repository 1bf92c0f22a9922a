/**
 * Writing a message: the "Message" field, "Send", and files picked with "Attach" or dropped
 * anywhere on the composer, each uploading with a progress bar before it can be sent.
 */
import { useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { Draft } from './useSendMessage';
import type { AttachmentUpload } from './useAttachmentUploads';
import { formatSize } from './format';

interface Props {
  uploads: AttachmentUpload[];
  ready: Draft['attachments'];
  uploading: boolean;
  onFiles: (files: File[]) => void;
  onRemoveUpload: (key: string) => void;
  onSend: (draft: Draft) => void;
  /** The text after each change (for the typing hint). */
  onDraftChange?: (text: string) => void;
}

export function Composer({ uploads, ready, uploading, onFiles, onRemoveUpload, onSend, onDraftChange }: Props) {
  const [text, setText] = useState('');
  const [dragging, setDragging] = useState(false);
  const canSend = !uploading && (text.trim().length > 0 || ready.length > 0);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    onSend({ text, attachments: ready });
    setText('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) onFiles([...event.dataTransfer.files]);
  }

  return (
    <form
      className={`composer${dragging ? ' dragging' : ''}`}
      onSubmit={submit}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Files to send">
          {uploads.map((upload) => (
            <UploadChip key={upload.key} upload={upload} onRemove={() => onRemoveUpload(upload.key)} />
          ))}
        </ul>
      )}
      <div className="composer-row">
        <label className="attach-button">
          <span>Attach</span>
          <input
            type="file"
            multiple
            aria-label="Attach"
            onChange={(e) => {
              if (e.target.files?.length) onFiles([...e.target.files]);
              e.target.value = '';
            }}
          />
        </label>
        <label htmlFor="composer-message" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-message"
          rows={2}
          value={text}
          placeholder="Write a message… (or drop files here)"
          onChange={(e) => {
            setText(e.target.value);
            onDraftChange?.(e.target.value);
          }}
          onKeyDown={onKeyDown}
          maxLength={5000}
        />
        <button type="submit" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}

function UploadChip({ upload, onRemove }: { upload: AttachmentUpload; onRemove: () => void }) {
  return (
    <li className={`upload ${upload.status}`}>
      {upload.previewUrl && <img src={upload.previewUrl} alt="" className="upload-preview" />}
      <span className="upload-name">
        {upload.file.name} <span className="muted">({formatSize(upload.file.size)})</span>
      </span>
      {upload.status === 'uploading' && (
        <progress max={1} value={upload.progress} aria-label={`Uploading ${upload.file.name}`} />
      )}
      {upload.status === 'failed' && <span className="form-error">{upload.error}</span>}
      <button type="button" className="link" onClick={onRemove} aria-label={`Remove ${upload.file.name}`}>
        ✕
      </button>
    </li>
  );
}
