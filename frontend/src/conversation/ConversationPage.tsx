/** /dm/<roomId>: one conversation, composed from the feed hook and the message widgets. */
import { useCallback, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { RoomQuery } from './operations';
import { useRoomFeed } from './useRoomFeed';
import { useSendMessage } from './useSendMessage';
import { useMarkRead } from './useMarkRead';
import { useAttachmentUploads } from './useAttachmentUploads';
import { MessageList } from './MessageList';
import { MessageItem, PendingItem } from './MessageItem';
import { Composer } from './Composer';
import { BidForm } from './BidForm';
import { RealtimeBanner } from './RealtimeBanner';
import { ConversationHeader } from './ConversationHeader';
import { TypingIndicator } from './TypingIndicator';
import { useTypingNotifier } from './useTypingNotifier';
import type { ParticipantRole } from './BidCard';
import type { BidFieldsFragment } from '../gql/graphql';
import type { Draft } from './useSendMessage';
import type { FeedMessage } from './feedState';
import { useCurrentUser, useSession } from '../auth/SessionContext';
import { useSocketState } from '../apollo/socketStatus';

export function ConversationRoute() {
  const { roomId = '' } = useParams();
  return <ConversationPage key={roomId} roomId={roomId} />;
}

export function ConversationPage({ roomId }: { roomId: string }) {
  const me = useCurrentUser();
  const { data: roomData, error: roomError } = useQuery(RoomQuery, { variables: { id: roomId } });
  const room = roomData?.room;

  if (roomError || (roomData && !room)) {
    return (
      <main className="conversation">
        <p className="form-error">This conversation does not exist or is not yours.</p>
        <Link to="/">Back to conversations</Link>
      </main>
    );
  }
  const role: ParticipantRole = room?.vendor.id === me.id ? 'VENDOR' : 'ORGANIZER';
  const other = room ? (role === 'VENDOR' ? room.organizer : room.vendor) : null;
  return <Conversation roomId={roomId} myId={me.id} role={role} otherId={other?.id} otherName={other?.username ?? '…'} />;
}

interface ConversationProps {
  roomId: string;
  myId: string;
  role: ParticipantRole;
  otherId: string | undefined;
  otherName: string;
}

function Conversation({ roomId, myId, role, otherId, otherName }: ConversationProps) {
  const { store } = useSession();
  const { status: socketStatus } = useSocketState();
  const feed = useRoomFeed(roomId);
  const { state, dispatch } = feed;
  const { send, retry } = useSendMessage(roomId, dispatch);
  const typing = useTypingNotifier(roomId);
  const uploads = useAttachmentUploads(roomId, store);
  useMarkRead(roomId, myId, state.messages, dispatch);

  const lastSeenId = useMemo(() => lastReadOwnMessage(state.messages, myId)?.id, [state.messages, myId]);
  const onBidSaved = useCallback((bid: BidFieldsFragment) => dispatch({ type: 'bidSaved', bid }), [dispatch]);
  const onMessageSaved = useCallback((message: FeedMessage) => dispatch({ type: 'messageSaved', message }), [dispatch]);

  function onSend(draft: Draft) {
    typing.stop();
    void send(draft);
    uploads.clear();
  }

  return (
    <main className="conversation" data-socket={socketStatus} data-realtime={feed.degraded ? 'polling' : 'live'}>
      <ConversationHeader
        otherName={otherName}
        presence={otherId ? state.presence[otherId] : undefined}
        onRefresh={() => void feed.refresh()}
      />
      {feed.degraded && <RealtimeBanner />}
      {feed.status === 'loading' && <p className="muted">Loading messages…</p>}
      {feed.status === 'error' && <p className="form-error">Could not load messages: {feed.loadError}</p>}
      <MessageList
        itemCount={state.messages.length + state.pending.length}
        hasOlder={state.hasOlder}
        loadingOlder={feed.loadingOlder}
        onLoadOlder={() => void feed.loadOlder()}
      >
        {state.messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            mine={message.sender.id === myId}
            seen={message.id === lastSeenId}
            role={role}
            onBidSaved={onBidSaved}
            onMessageSaved={onMessageSaved}
          />
        ))}
        {state.pending.map((pending) => (
          <PendingItem key={pending.clientId} pending={pending} onRetry={(p) => void retry(p)} />
        ))}
      </MessageList>
      <TypingIndicator typist={state.typing?.id === myId ? null : state.typing} />
      {role === 'VENDOR' && <BidForm roomId={roomId} onCreated={onMessageSaved} />}
      <Composer
        uploads={uploads.uploads}
        ready={uploads.ready}
        uploading={uploads.busy}
        onFiles={uploads.add}
        onRemoveUpload={uploads.remove}
        onSend={onSend}
        onDraftChange={typing.onDraftChange}
      />
    </main>
  );
}

function lastReadOwnMessage(messages: FeedMessage[], myId: string): FeedMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i].sender.id === myId && messages[i].readAt) return messages[i];
  }
  return undefined;
}
