/** GraphQL documents of the room list. */
import { graphql } from '../gql';

export const RoomsQuery = graphql(`
  query Rooms($first: Int) {
    rooms(first: $first) {
      edges {
        cursor
        node {
          id
          createdAt
          unreadCount
          organizer {
            id
            username
          }
          vendor {
            id
            username
          }
          lastMessage {
            id
            text
            messageType
            senderUsername
            createdAt
            attachments {
              id
            }
          }
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
  subscription RoomActivity($roomId: ID!) {
    messageAdded(roomId: $roomId) {
      __typename
    }
  }
`);
