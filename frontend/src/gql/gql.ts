/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AuthUserFields on User {\n    id\n    username\n    role\n  }\n": typeof types.AuthUserFieldsFragmentDoc,
    "\n  mutation TokenAuth($username: String!, $password: String!) {\n    tokenAuth(username: $username, password: $password) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": typeof types.TokenAuthDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation RevokeToken($refreshToken: String!) {\n    revokeToken(refreshToken: $refreshToken)\n  }\n": typeof types.RevokeTokenDocument,
    "\n  mutation Register($username: String!, $password: String!, $role: Role!, $email: String) {\n    register(username: $username, password: $password, role: $role, email: $email) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  fragment BidFields on Bid {\n    id\n    amount\n    currency\n    note\n    status\n    createdAt\n    updatedAt\n    createdBy {\n      id\n      username\n    }\n  }\n": typeof types.BidFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    clientId\n    text\n    messageType\n    senderUsername\n    sender {\n      id\n      username\n    }\n    createdAt\n    deliveredAt\n    readAt\n    editedAt\n    deletedAt\n    attachments {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n    bidDetails {\n      ...BidFields\n    }\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment PresenceFields on User {\n    id\n    username\n    online\n    lastSeenAt\n  }\n": typeof types.PresenceFieldsFragmentDoc,
    "\n  fragment ConversationRoomFields on ChatRoom {\n    id\n    blocked\n    blockedByMe\n    organizer {\n      ...PresenceFields\n    }\n    vendor {\n      ...PresenceFields\n    }\n  }\n": typeof types.ConversationRoomFieldsFragmentDoc,
    "\n  query Room($id: ID!) {\n    room(id: $id) {\n      ...ConversationRoomFields\n    }\n  }\n": typeof types.RoomDocument,
    "\n  subscription ConversationActivity {\n    roomActivity {\n      room {\n        ...ConversationRoomFields\n      }\n    }\n  }\n": typeof types.ConversationActivityDocument,
    "\n  mutation BlockUser($username: String!) {\n    blockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n": typeof types.BlockUserDocument,
    "\n  mutation UnblockUser($username: String!) {\n    unblockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n": typeof types.UnblockUserDocument,
    "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.MessagesDocument,
    "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n      }\n      ... on BidEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n        bid {\n          ...BidFields\n        }\n      }\n      ... on ReadReceiptEvent {\n        messageId\n        readAt\n        reader {\n          id\n          username\n        }\n      }\n      ... on WarningEvent {\n        code\n        detail\n      }\n      ... on MessageUpdatedEvent {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on TypingEvent {\n        typing\n        user {\n          id\n          username\n        }\n      }\n      ... on PresenceEvent {\n        user {\n          ...PresenceFields\n        }\n      }\n    }\n  }\n": typeof types.MessageAddedDocument,
    "\n  mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {\n    sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation UploadAttachment($roomId: ID!, $file: Upload!) {\n    uploadAttachment(roomId: $roomId, file: $file) {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n  }\n": typeof types.UploadAttachmentDocument,
    "\n  mutation CreateBid($roomId: ID!, $amount: Decimal!, $currency: String, $note: String) {\n    createBid(roomId: $roomId, amount: $amount, currency: $currency, note: $note) {\n      ...MessageFields\n    }\n  }\n": typeof types.CreateBidDocument,
    "\n  mutation UpdateBid($bidId: ID!, $status: BidStatus, $amount: Decimal, $note: String, $expectedUpdatedAt: DateTime) {\n    updateBid(bidId: $bidId, status: $status, amount: $amount, note: $note, expectedUpdatedAt: $expectedUpdatedAt) {\n      ...BidFields\n    }\n  }\n": typeof types.UpdateBidDocument,
    "\n  mutation MarkRead($roomId: ID!, $upToMessageId: ID) {\n    markRead(roomId: $roomId, upToMessageId: $upToMessageId) {\n      messageId\n      readAt\n      reader {\n        id\n        username\n      }\n    }\n  }\n": typeof types.MarkReadDocument,
    "\n  mutation EditMessage($messageId: ID!, $text: String!) {\n    editMessage(messageId: $messageId, text: $text) {\n      ...MessageFields\n    }\n  }\n": typeof types.EditMessageDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      ...MessageFields\n    }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n": typeof types.SetTypingDocument,
    "\n  fragment RoomListFields on ChatRoom {\n    id\n    createdAt\n    unreadCount\n    organizer {\n      id\n      username\n      online\n    }\n    vendor {\n      id\n      username\n      online\n    }\n    lastMessage {\n      id\n      text\n      messageType\n      senderUsername\n      createdAt\n      deletedAt\n      attachments {\n        id\n      }\n    }\n  }\n": typeof types.RoomListFieldsFragmentDoc,
    "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          ...RoomListFields\n        }\n      }\n    }\n  }\n": typeof types.RoomsDocument,
    "\n  mutation EnsureRoom($username: String!) {\n    ensureRoom(username: $username) {\n      id\n    }\n  }\n": typeof types.EnsureRoomDocument,
    "\n  subscription RoomActivity {\n    roomActivity {\n      room {\n        ...RoomListFields\n      }\n    }\n  }\n": typeof types.RoomActivityDocument,
    "\n  query SearchMessages($query: String!, $first: Int, $after: String) {\n    searchMessages(query: $query, first: $first, after: $after) {\n      edges {\n        cursor\n        snippet\n        node {\n          id\n          createdAt\n          senderUsername\n          room {\n            id\n            organizer {\n              id\n              username\n            }\n            vendor {\n              id\n              username\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SearchMessagesDocument,
    "\n  query Profile {\n    me {\n      id\n      email\n      emailNotifications\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  mutation UpdateProfile($email: String, $emailNotifications: Boolean) {\n    updateProfile(email: $email, emailNotifications: $emailNotifications) {\n      id\n      email\n      emailNotifications\n    }\n  }\n": typeof types.UpdateProfileDocument,
};
const documents: Documents = {
    "\n  fragment AuthUserFields on User {\n    id\n    username\n    role\n  }\n": types.AuthUserFieldsFragmentDoc,
    "\n  mutation TokenAuth($username: String!, $password: String!) {\n    tokenAuth(username: $username, password: $password) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": types.TokenAuthDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation RevokeToken($refreshToken: String!) {\n    revokeToken(refreshToken: $refreshToken)\n  }\n": types.RevokeTokenDocument,
    "\n  mutation Register($username: String!, $password: String!, $role: Role!, $email: String) {\n    register(username: $username, password: $password, role: $role, email: $email) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n": types.RegisterDocument,
    "\n  fragment BidFields on Bid {\n    id\n    amount\n    currency\n    note\n    status\n    createdAt\n    updatedAt\n    createdBy {\n      id\n      username\n    }\n  }\n": types.BidFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    clientId\n    text\n    messageType\n    senderUsername\n    sender {\n      id\n      username\n    }\n    createdAt\n    deliveredAt\n    readAt\n    editedAt\n    deletedAt\n    attachments {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n    bidDetails {\n      ...BidFields\n    }\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment PresenceFields on User {\n    id\n    username\n    online\n    lastSeenAt\n  }\n": types.PresenceFieldsFragmentDoc,
    "\n  fragment ConversationRoomFields on ChatRoom {\n    id\n    blocked\n    blockedByMe\n    organizer {\n      ...PresenceFields\n    }\n    vendor {\n      ...PresenceFields\n    }\n  }\n": types.ConversationRoomFieldsFragmentDoc,
    "\n  query Room($id: ID!) {\n    room(id: $id) {\n      ...ConversationRoomFields\n    }\n  }\n": types.RoomDocument,
    "\n  subscription ConversationActivity {\n    roomActivity {\n      room {\n        ...ConversationRoomFields\n      }\n    }\n  }\n": types.ConversationActivityDocument,
    "\n  mutation BlockUser($username: String!) {\n    blockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n": types.BlockUserDocument,
    "\n  mutation UnblockUser($username: String!) {\n    unblockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n": types.UnblockUserDocument,
    "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.MessagesDocument,
    "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n      }\n      ... on BidEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n        bid {\n          ...BidFields\n        }\n      }\n      ... on ReadReceiptEvent {\n        messageId\n        readAt\n        reader {\n          id\n          username\n        }\n      }\n      ... on WarningEvent {\n        code\n        detail\n      }\n      ... on MessageUpdatedEvent {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on TypingEvent {\n        typing\n        user {\n          id\n          username\n        }\n      }\n      ... on PresenceEvent {\n        user {\n          ...PresenceFields\n        }\n      }\n    }\n  }\n": types.MessageAddedDocument,
    "\n  mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {\n    sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation UploadAttachment($roomId: ID!, $file: Upload!) {\n    uploadAttachment(roomId: $roomId, file: $file) {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n  }\n": types.UploadAttachmentDocument,
    "\n  mutation CreateBid($roomId: ID!, $amount: Decimal!, $currency: String, $note: String) {\n    createBid(roomId: $roomId, amount: $amount, currency: $currency, note: $note) {\n      ...MessageFields\n    }\n  }\n": types.CreateBidDocument,
    "\n  mutation UpdateBid($bidId: ID!, $status: BidStatus, $amount: Decimal, $note: String, $expectedUpdatedAt: DateTime) {\n    updateBid(bidId: $bidId, status: $status, amount: $amount, note: $note, expectedUpdatedAt: $expectedUpdatedAt) {\n      ...BidFields\n    }\n  }\n": types.UpdateBidDocument,
    "\n  mutation MarkRead($roomId: ID!, $upToMessageId: ID) {\n    markRead(roomId: $roomId, upToMessageId: $upToMessageId) {\n      messageId\n      readAt\n      reader {\n        id\n        username\n      }\n    }\n  }\n": types.MarkReadDocument,
    "\n  mutation EditMessage($messageId: ID!, $text: String!) {\n    editMessage(messageId: $messageId, text: $text) {\n      ...MessageFields\n    }\n  }\n": types.EditMessageDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      ...MessageFields\n    }\n  }\n": types.DeleteMessageDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n": types.SetTypingDocument,
    "\n  fragment RoomListFields on ChatRoom {\n    id\n    createdAt\n    unreadCount\n    organizer {\n      id\n      username\n      online\n    }\n    vendor {\n      id\n      username\n      online\n    }\n    lastMessage {\n      id\n      text\n      messageType\n      senderUsername\n      createdAt\n      deletedAt\n      attachments {\n        id\n      }\n    }\n  }\n": types.RoomListFieldsFragmentDoc,
    "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          ...RoomListFields\n        }\n      }\n    }\n  }\n": types.RoomsDocument,
    "\n  mutation EnsureRoom($username: String!) {\n    ensureRoom(username: $username) {\n      id\n    }\n  }\n": types.EnsureRoomDocument,
    "\n  subscription RoomActivity {\n    roomActivity {\n      room {\n        ...RoomListFields\n      }\n    }\n  }\n": types.RoomActivityDocument,
    "\n  query SearchMessages($query: String!, $first: Int, $after: String) {\n    searchMessages(query: $query, first: $first, after: $after) {\n      edges {\n        cursor\n        snippet\n        node {\n          id\n          createdAt\n          senderUsername\n          room {\n            id\n            organizer {\n              id\n              username\n            }\n            vendor {\n              id\n              username\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SearchMessagesDocument,
    "\n  query Profile {\n    me {\n      id\n      email\n      emailNotifications\n    }\n  }\n": types.ProfileDocument,
    "\n  mutation UpdateProfile($email: String, $emailNotifications: Boolean) {\n    updateProfile(email: $email, emailNotifications: $emailNotifications) {\n      id\n      email\n      emailNotifications\n    }\n  }\n": types.UpdateProfileDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthUserFields on User {\n    id\n    username\n    role\n  }\n"): (typeof documents)["\n  fragment AuthUserFields on User {\n    id\n    username\n    role\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TokenAuth($username: String!, $password: String!) {\n    tokenAuth(username: $username, password: $password) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TokenAuth($username: String!, $password: String!) {\n    tokenAuth(username: $username, password: $password) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeToken($refreshToken: String!) {\n    revokeToken(refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation RevokeToken($refreshToken: String!) {\n    revokeToken(refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($username: String!, $password: String!, $role: Role!, $email: String) {\n    register(username: $username, password: $password, role: $role, email: $email) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Register($username: String!, $password: String!, $role: Role!, $email: String) {\n    register(username: $username, password: $password, role: $role, email: $email) {\n      token\n      refreshToken\n      user {\n        ...AuthUserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BidFields on Bid {\n    id\n    amount\n    currency\n    note\n    status\n    createdAt\n    updatedAt\n    createdBy {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  fragment BidFields on Bid {\n    id\n    amount\n    currency\n    note\n    status\n    createdAt\n    updatedAt\n    createdBy {\n      id\n      username\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    clientId\n    text\n    messageType\n    senderUsername\n    sender {\n      id\n      username\n    }\n    createdAt\n    deliveredAt\n    readAt\n    editedAt\n    deletedAt\n    attachments {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n    bidDetails {\n      ...BidFields\n    }\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    clientId\n    text\n    messageType\n    senderUsername\n    sender {\n      id\n      username\n    }\n    createdAt\n    deliveredAt\n    readAt\n    editedAt\n    deletedAt\n    attachments {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n    bidDetails {\n      ...BidFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PresenceFields on User {\n    id\n    username\n    online\n    lastSeenAt\n  }\n"): (typeof documents)["\n  fragment PresenceFields on User {\n    id\n    username\n    online\n    lastSeenAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationRoomFields on ChatRoom {\n    id\n    blocked\n    blockedByMe\n    organizer {\n      ...PresenceFields\n    }\n    vendor {\n      ...PresenceFields\n    }\n  }\n"): (typeof documents)["\n  fragment ConversationRoomFields on ChatRoom {\n    id\n    blocked\n    blockedByMe\n    organizer {\n      ...PresenceFields\n    }\n    vendor {\n      ...PresenceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Room($id: ID!) {\n    room(id: $id) {\n      ...ConversationRoomFields\n    }\n  }\n"): (typeof documents)["\n  query Room($id: ID!) {\n    room(id: $id) {\n      ...ConversationRoomFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConversationActivity {\n    roomActivity {\n      room {\n        ...ConversationRoomFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConversationActivity {\n    roomActivity {\n      room {\n        ...ConversationRoomFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BlockUser($username: String!) {\n    blockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n"): (typeof documents)["\n  mutation BlockUser($username: String!) {\n    blockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnblockUser($username: String!) {\n    unblockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n"): (typeof documents)["\n  mutation UnblockUser($username: String!) {\n    unblockUser(username: $username) {\n      ...ConversationRoomFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n      }\n      ... on BidEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n        bid {\n          ...BidFields\n        }\n      }\n      ... on ReadReceiptEvent {\n        messageId\n        readAt\n        reader {\n          id\n          username\n        }\n      }\n      ... on WarningEvent {\n        code\n        detail\n      }\n      ... on MessageUpdatedEvent {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on TypingEvent {\n        typing\n        user {\n          id\n          username\n        }\n      }\n      ... on PresenceEvent {\n        user {\n          ...PresenceFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n      }\n      ... on BidEvent {\n        cursor\n        message {\n          ...MessageFields\n        }\n        bid {\n          ...BidFields\n        }\n      }\n      ... on ReadReceiptEvent {\n        messageId\n        readAt\n        reader {\n          id\n          username\n        }\n      }\n      ... on WarningEvent {\n        code\n        detail\n      }\n      ... on MessageUpdatedEvent {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on TypingEvent {\n        typing\n        user {\n          id\n          username\n        }\n      }\n      ... on PresenceEvent {\n        user {\n          ...PresenceFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {\n    sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {\n    sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadAttachment($roomId: ID!, $file: Upload!) {\n    uploadAttachment(roomId: $roomId, file: $file) {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n  }\n"): (typeof documents)["\n  mutation UploadAttachment($roomId: ID!, $file: Upload!) {\n    uploadAttachment(roomId: $roomId, file: $file) {\n      id\n      file\n      originalName\n      size\n      contentType\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateBid($roomId: ID!, $amount: Decimal!, $currency: String, $note: String) {\n    createBid(roomId: $roomId, amount: $amount, currency: $currency, note: $note) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateBid($roomId: ID!, $amount: Decimal!, $currency: String, $note: String) {\n    createBid(roomId: $roomId, amount: $amount, currency: $currency, note: $note) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateBid($bidId: ID!, $status: BidStatus, $amount: Decimal, $note: String, $expectedUpdatedAt: DateTime) {\n    updateBid(bidId: $bidId, status: $status, amount: $amount, note: $note, expectedUpdatedAt: $expectedUpdatedAt) {\n      ...BidFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateBid($bidId: ID!, $status: BidStatus, $amount: Decimal, $note: String, $expectedUpdatedAt: DateTime) {\n    updateBid(bidId: $bidId, status: $status, amount: $amount, note: $note, expectedUpdatedAt: $expectedUpdatedAt) {\n      ...BidFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkRead($roomId: ID!, $upToMessageId: ID) {\n    markRead(roomId: $roomId, upToMessageId: $upToMessageId) {\n      messageId\n      readAt\n      reader {\n        id\n        username\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MarkRead($roomId: ID!, $upToMessageId: ID) {\n    markRead(roomId: $roomId, upToMessageId: $upToMessageId) {\n      messageId\n      readAt\n      reader {\n        id\n        username\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditMessage($messageId: ID!, $text: String!) {\n    editMessage(messageId: $messageId, text: $text) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation EditMessage($messageId: ID!, $text: String!) {\n    editMessage(messageId: $messageId, text: $text) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n"): (typeof documents)["\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoomListFields on ChatRoom {\n    id\n    createdAt\n    unreadCount\n    organizer {\n      id\n      username\n      online\n    }\n    vendor {\n      id\n      username\n      online\n    }\n    lastMessage {\n      id\n      text\n      messageType\n      senderUsername\n      createdAt\n      deletedAt\n      attachments {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment RoomListFields on ChatRoom {\n    id\n    createdAt\n    unreadCount\n    organizer {\n      id\n      username\n      online\n    }\n    vendor {\n      id\n      username\n      online\n    }\n    lastMessage {\n      id\n      text\n      messageType\n      senderUsername\n      createdAt\n      deletedAt\n      attachments {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          ...RoomListFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          ...RoomListFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnsureRoom($username: String!) {\n    ensureRoom(username: $username) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation EnsureRoom($username: String!) {\n    ensureRoom(username: $username) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomActivity {\n    roomActivity {\n      room {\n        ...RoomListFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RoomActivity {\n    roomActivity {\n      room {\n        ...RoomListFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMessages($query: String!, $first: Int, $after: String) {\n    searchMessages(query: $query, first: $first, after: $after) {\n      edges {\n        cursor\n        snippet\n        node {\n          id\n          createdAt\n          senderUsername\n          room {\n            id\n            organizer {\n              id\n              username\n            }\n            vendor {\n              id\n              username\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchMessages($query: String!, $first: Int, $after: String) {\n    searchMessages(query: $query, first: $first, after: $after) {\n      edges {\n        cursor\n        snippet\n        node {\n          id\n          createdAt\n          senderUsername\n          room {\n            id\n            organizer {\n              id\n              username\n            }\n            vendor {\n              id\n              username\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile {\n    me {\n      id\n      email\n      emailNotifications\n    }\n  }\n"): (typeof documents)["\n  query Profile {\n    me {\n      id\n      email\n      emailNotifications\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($email: String, $emailNotifications: Boolean) {\n    updateProfile(email: $email, emailNotifications: $emailNotifications) {\n      id\n      email\n      emailNotifications\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($email: String, $emailNotifications: Boolean) {\n    updateProfile(email: $email, emailNotifications: $emailNotifications) {\n      id\n      email\n      emailNotifications\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;