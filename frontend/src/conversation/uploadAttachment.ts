/**
 * uploadAttachment as a GraphQL multipart request (operations, map, then the file part),
 * sent with XMLHttpRequest because fetch cannot report upload progress.
 */
import { print } from 'graphql';
import { UploadAttachmentMutation } from './operations';
import type { UploadAttachmentMutation as UploadResult } from '../gql/graphql';
import { graphqlHttpUrl } from '../apollo/client';

export type UploadedAttachment = UploadResult['uploadAttachment'];

export interface UploadRequest {
  roomId: string;
  file: File;
  token: string | null;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function buildUploadBody(roomId: string, file: File): FormData {
  const body = new FormData();
  body.append(
    'operations',
    JSON.stringify({
      query: print(UploadAttachmentMutation),
      operationName: 'UploadAttachment',
      variables: { roomId, file: null },
    }),
  );
  body.append('map', JSON.stringify({ 0: ['variables.file'] }));
  body.append('0', file, file.name);
  return body;
}

export function uploadAttachment({ roomId, file, token, onProgress, signal }: UploadRequest): Promise<UploadedAttachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', graphqlHttpUrl());
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const response = xhr.response as { data?: UploadResult | null; errors?: { message: string; extensions?: { code?: string } }[] } | null;
      const error = response?.errors?.[0];
      if (error) reject(new UploadError(error.message, error.extensions?.code));
      else if (response?.data?.uploadAttachment) resolve(response.data.uploadAttachment);
      else if (xhr.status === 413) reject(new UploadError('The file is larger than the server accepts.'));
      else reject(new UploadError(`Upload failed (HTTP ${xhr.status})`));
    };
    xhr.onerror = () => reject(new UploadError('The server could not be reached.'));
    xhr.onabort = () => reject(new UploadError('Upload cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(buildUploadBody(roomId, file));
  });
}
