/** Where the GraphQL endpoints live: same origin, /graphql/, over HTTP and WebSocket. */
export const GRAPHQL_PATH = '/graphql/';

export function graphqlWsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}
