/**
 * The room list as Apollo's cache holds it, changed by one RoomActivityEvent: the room
 * replaces its old entry (or joins the list) and the list keeps the server's order, newest
 * activity first (the last message's time, else the room's creation; then the higher id).
 */
import type { ApolloCache } from '@apollo/client';
import { RoomsQuery } from './operations';
import type { RoomListFieldsFragment, RoomsQuery as RoomsData } from '../gql/graphql';

export const LIST_SIZE = 50;

type Edge = RoomsData['rooms']['edges'][number];

/** Puts the room in the cached list; returns the last message id the list held for it before. */
export function upsertRoom(cache: ApolloCache, room: RoomListFieldsFragment): { previousLastMessageId: string | null } {
  let previousLastMessageId: string | null = null;
  cache.updateQuery({ query: RoomsQuery, variables: { first: LIST_SIZE } }, (data) => {
    if (!data) return data; // not read yet: the read after subscribing brings the room
    const held = data.rooms.edges.find((edge) => edge.node.id === room.id);
    previousLastMessageId = held?.node.lastMessage?.id ?? null;
    const others = data.rooms.edges.filter((edge) => edge.node.id !== room.id);
    const edges = [{ __typename: 'ChatRoomEdge' as const, node: room }, ...others].sort(byActivity).slice(0, LIST_SIZE);
    return { ...data, rooms: { ...data.rooms, edges } };
  });
  return { previousLastMessageId };
}

function activity(edge: Edge): number {
  return Date.parse(edge.node.lastMessage?.createdAt ?? edge.node.createdAt);
}

function byActivity(a: Edge, b: Edge): number {
  return activity(b) - activity(a) || Number(b.node.id) - Number(a.node.id);
}
