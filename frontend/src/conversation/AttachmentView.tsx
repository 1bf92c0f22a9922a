/** An attachment in a message: an image preview, or a download link for anything else. */
import type { FeedAttachment } from './feedState';
import { formatSize } from './format';

export function AttachmentView({ attachment }: { attachment: FeedAttachment }) {
  const isImage = attachment.contentType.startsWith('image/');
  return (
    <figure className="attachment">
      {isImage && (
        <a href={attachment.file} target="_blank" rel="noreferrer" aria-label={`Open ${attachment.originalName}`}>
          <img src={attachment.file} alt={attachment.originalName} loading="lazy" />
        </a>
      )}
      <figcaption>
        <a href={attachment.file} download={attachment.originalName}>
          {attachment.originalName}
        </a>{' '}
        <span className="muted">({formatSize(attachment.size)})</span>
      </figcaption>
    </figure>
  );
}
