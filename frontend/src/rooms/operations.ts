/** GraphQL documents of the room list. */
import { graphql } from '../gql';

/** A room as the list shows it: the same shape from the query and from live events. */
export const RoomListFields = graphql(`
  fragment RoomListFields on ChatRoom {
    id
    createdAt
    unreadCount
    organizer {
      id
      username
      online
    }
    vendor {
      id
      username
      online
    }
    lastMessage {
      id
      text
      messageType
      senderUsername
      createdAt
      deletedAt
      attachments {
        id
      }
    }
  }
`);

export const RoomsQuery = graphql(`
  query Rooms($first: Int) {
    rooms(first: $first) {
      edges {
        node {
          ...RoomListFields
        }
      }
    }
  }
`);

export const EnsureRoomMutation = graphql(`
  mutation EnsureRoom($username: String!) {
    ensureRoom(username: $username) {
      id
    }
  }
`);

export const RoomActivitySubscription = graphql(`
  subscription RoomActivity {
    roomActivity {
      room {
        ...RoomListFields
      }
    }
  }
`);

/** Search of the caller's messages: newest first, each with its snippet and where it is. */
export const SearchMessagesQuery = graphql(`
  query SearchMessages($query: String!, $first: Int, $after: String) {
    searchMessages(query: $query, first: $first, after: $after) {
      edges {
        cursor
        snippet
        node {
          id
          createdAt
          senderUsername
          room {
            id
            organizer {
              id
              username
            }
            vendor {
              id
              username
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
