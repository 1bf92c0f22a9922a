/** Files picked or dropped for the next message: each uploads at once, with its progress. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadAttachment, type UploadedAttachment } from './uploadAttachment';
import type { SessionStore } from '../auth/session';

export interface AttachmentUpload {
  key: string;
  file: File;
  previewUrl: string | null;
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
  attachment?: UploadedAttachment;
}

let nextKey = 0;

export function useAttachmentUploads(roomId: string, session: SessionStore) {
  const [uploads, setUploads] = useState<AttachmentUpload[]>([]);
  const controllers = useRef(new Map<string, AbortController>());

  const update = (key: string, patch: Partial<AttachmentUpload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const key = `upload-${(nextKey += 1)}`;
        const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
        const controller = new AbortController();
        controllers.current.set(key, controller);
        setUploads((list) => [...list, { key, file, previewUrl, progress: 0, status: 'uploading' }]);
        void session
          .accessToken()
          .then((token) =>
            uploadAttachment({
              roomId,
              file,
              token,
              signal: controller.signal,
              onProgress: (progress) => update(key, { progress }),
            }),
          )
          .then((attachment) => update(key, { status: 'done', progress: 1, attachment }))
          .catch((error: Error) => update(key, { status: 'failed', error: error.message }))
          .finally(() => controllers.current.delete(key));
      }
    },
    [roomId, session],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    setUploads((list) => {
      const gone = list.find((u) => u.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((u) => u.key !== key);
    });
  }, []);

  /** Forgets the uploads once a message carries them (previews stay valid until unmount). */
  const clear = useCallback(() => setUploads([]), []);

  useEffect(() => {
    const pending = controllers.current;
    return () => pending.forEach((controller) => controller.abort());
  }, []);

  return {
    uploads,
    ready: uploads.filter((u) => u.status === 'done' && u.attachment).map((u) => u.attachment!),
    busy: uploads.some((u) => u.status === 'uploading'),
    add,
    remove,
    clear,
  };
}
