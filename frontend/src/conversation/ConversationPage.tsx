/** /dm/<roomId>: one conversation, composed from the feed hook and the message widgets. */
import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { RoomQuery } from './operations';
import { useRoomFeed } from './useRoomFeed';
import { useSendMessage } from './useSendMessage';
import { useMarkRead } from './useMarkRead';
import { useAttachmentUploads } from './useAttachmentUploads';
import { ConversationLog } from './ConversationLog';
import { Composer } from './Composer';
import { BidForm } from './BidForm';
import { RealtimeBanner } from './RealtimeBanner';
import { ConversationHeader } from './ConversationHeader';
import { TypingIndicator } from './TypingIndicator';
import { useTypingNotifier } from './useTypingNotifier';
import { useBlocking } from './useBlocking';
import { BlockControl } from './BlockControl';
import { BlockedNote } from './BlockedNote';
import type { ParticipantRole } from './BidCard';
import type { Draft } from './useSendMessage';
import type { FeedMessage, PendingMessage } from './feedState';
import { useIncomingAlerts } from './useIncomingAlerts';
import { useMessageFocus } from './useMessageFocus';
import { useCurrentUser, useSession } from '../auth/SessionContext';
import { useSocketState } from '../apollo/socketStatus';

export function ConversationRoute() {
  const { roomId = '' } = useParams();
  const [params] = useSearchParams();
  return <ConversationPage key={roomId} roomId={roomId} focusMessageId={params.get('message')} />;
}

/** `focusMessageId`: open at that message (a search result's link), highlighted. */
export function ConversationPage({ roomId, focusMessageId = null }: { roomId: string; focusMessageId?: string | null }) {
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
  const block = { blocked: room?.blocked ?? false, blockedByMe: room?.blockedByMe ?? false };
  return (
    <Conversation
      roomId={roomId}
      myId={me.id}
      role={role}
      otherId={other?.id}
      otherName={other?.username ?? '…'}
      block={block}
      focusMessageId={focusMessageId}
    />
  );
}

interface ConversationProps {
  roomId: string;
  myId: string;
  role: ParticipantRole;
  otherId: string | undefined;
  otherName: string;
  /** The room's block as last read or heard (RoomQuery, kept current by useRoomFeed). */
  block: { blocked: boolean; blockedByMe: boolean };
  focusMessageId: string | null;
}

function Conversation({ roomId, myId, role, otherId, otherName, block, focusMessageId }: ConversationProps) {
  const { store } = useSession();
  const { status: socketStatus } = useSocketState();
  const feed = useRoomFeed(roomId);
  const { state, dispatch, reloadRoom } = feed;
  const onForbidden = useCallback(() => void reloadRoom(), [reloadRoom]);
  const { send, retry } = useSendMessage(roomId, dispatch, { onForbidden });
  const blocking = useBlocking(otherName);
  const typing = useTypingNotifier(roomId);
  const uploads = useAttachmentUploads(roomId, store);
  useMarkRead(roomId, myId, state.messages, dispatch);
  const focus = useMessageFocus(focusMessageId, feed);

  const onMessageSaved = useCallback((message: FeedMessage) => dispatch({ type: 'messageSaved', message }), [dispatch]);
  const onRetry = useCallback((pending: PendingMessage) => void retry(pending), [retry]);
  useIncomingAlerts(state.messages, { roomId, myId, loaded: feed.status === 'ready' });

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
        actions={!block.blockedByMe && otherId && <BlockControl otherName={otherName} blocking={blocking} />}
      />
      {blocking.error && (
        <p className="form-error" role="alert">
          {blocking.error}
        </p>
      )}
      {feed.degraded && <RealtimeBanner />}
      {feed.status === 'loading' && <p className="muted">Loading messages…</p>}
      {feed.status === 'error' && <p className="form-error">Could not load messages: {feed.loadError}</p>}
      {focus.missing && <p className="muted">That message is no longer in this conversation.</p>}
      <ConversationLog
        state={state}
        loaded={feed.status === 'ready'}
        loadingOlder={feed.loadingOlder}
        myId={myId}
        role={role}
        highlightedId={focus.highlightedId}
        dispatch={dispatch}
        onLoadOlder={() => void feed.loadOlder()}
        onRetry={onRetry}
      />
      <TypingIndicator typist={state.typing?.id === myId ? null : state.typing} />
      {block.blocked ? (
        <BlockedNote otherName={otherName} blockedByMe={block.blockedByMe} blocking={blocking} />
      ) : (
        <>
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
        </>
      )}
    </main>
  );
}
