/**
 * GraphQL documents of a conversation. MessageFields is the one shape of a message the
 * page holds, whether it came from history, a mutation or a live event.
 */
import { graphql } from '../gql';

export const BidFields = graphql(`
  fragment BidFields on Bid {
    id
    amount
    currency
    note
    status
    createdAt
    updatedAt
    createdBy {
      id
      username
    }
  }
`);

export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id
    clientId
    text
    messageType
    senderUsername
    sender {
      id
      username
    }
    createdAt
    deliveredAt
    readAt
    editedAt
    deletedAt
    attachments {
      id
      file
      originalName
      size
      contentType
    }
    bidDetails {
      ...BidFields
    }
  }
`);

export const PresenceFields = graphql(`
  fragment PresenceFields on User {
    id
    username
    online
    lastSeenAt
  }
`);

/** The room as the conversation shows it: who is in it, their presence, and its block. */
export const ConversationRoomFields = graphql(`
  fragment ConversationRoomFields on ChatRoom {
    id
    blocked
    blockedByMe
    organizer {
      ...PresenceFields
    }
    vendor {
      ...PresenceFields
    }
  }
`);

export const RoomQuery = graphql(`
  query Room($id: ID!) {
    room(id: $id) {
      ...ConversationRoomFields
    }
  }
`);

/** The inbox feed, for the open conversation's own room: a block or unblock arrives live. */
export const ConversationActivitySubscription = graphql(`
  subscription ConversationActivity {
    roomActivity {
      room {
        ...ConversationRoomFields
      }
    }
  }
`);

export const BlockUserMutation = graphql(`
  mutation BlockUser($username: String!) {
    blockUser(username: $username) {
      ...ConversationRoomFields
    }
  }
`);

export const UnblockUserMutation = graphql(`
  mutation UnblockUser($username: String!) {
    unblockUser(username: $username) {
      ...ConversationRoomFields
    }
  }
`);

export const MessagesQuery = graphql(`
  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...MessageFields
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

export const MessageAddedSubscription = graphql(`
  subscription MessageAdded($roomId: ID!, $after: String) {
    messageAdded(roomId: $roomId, after: $after) {
      __typename
      ... on MessageEvent {
        cursor
        message {
          ...MessageFields
        }
      }
      ... on BidEvent {
        cursor
        message {
          ...MessageFields
        }
        bid {
          ...BidFields
        }
      }
      ... on ReadReceiptEvent {
        messageId
        readAt
        reader {
          id
          username
        }
      }
      ... on WarningEvent {
        code
        detail
      }
      ... on MessageUpdatedEvent {
        message {
          ...MessageFields
        }
      }
      ... on TypingEvent {
        typing
        user {
          id
          username
        }
      }
      ... on PresenceEvent {
        user {
          ...PresenceFields
        }
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {
    sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {
      ...MessageFields
    }
  }
`);

export const UploadAttachmentMutation = graphql(`
  mutation UploadAttachment($roomId: ID!, $file: Upload!) {
    uploadAttachment(roomId: $roomId, file: $file) {
      id
      file
      originalName
      size
      contentType
    }
  }
`);

export const CreateBidMutation = graphql(`
  mutation CreateBid($roomId: ID!, $amount: Decimal!, $currency: String, $note: String) {
    createBid(roomId: $roomId, amount: $amount, currency: $currency, note: $note) {
      ...MessageFields
    }
  }
`);

export const UpdateBidMutation = graphql(`
  mutation UpdateBid($bidId: ID!, $status: BidStatus, $amount: Decimal, $note: String, $expectedUpdatedAt: DateTime) {
    updateBid(bidId: $bidId, status: $status, amount: $amount, note: $note, expectedUpdatedAt: $expectedUpdatedAt) {
      ...BidFields
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkRead($roomId: ID!, $upToMessageId: ID) {
    markRead(roomId: $roomId, upToMessageId: $upToMessageId) {
      messageId
      readAt
      reader {
        id
        username
      }
    }
  }
`);

export const EditMessageMutation = graphql(`
  mutation EditMessage($messageId: ID!, $text: String!) {
    editMessage(messageId: $messageId, text: $text) {
      ...MessageFields
    }
  }
`);

export const DeleteMessageMutation = graphql(`
  mutation DeleteMessage($messageId: ID!) {
    deleteMessage(messageId: $messageId) {
      ...MessageFields
    }
  }
`);

export const SetTypingMutation = graphql(`
  mutation SetTyping($roomId: ID!, $typing: Boolean!) {
    setTyping(roomId: $roomId, typing: $typing)
  }
`);
