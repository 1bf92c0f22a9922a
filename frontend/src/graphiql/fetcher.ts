/**
 * GraphiQL's fetcher for Parley: HTTP POST to /graphql/ for queries and mutations, and one
 * graphql-transport-ws socket per subscription whose connection_init payload is the Headers
 * tab (so {"Authorization": "Bearer …"} authenticates both). A refused token (4403) ends the
 * subscription with an error at once instead of retrying.
 */
import { createGraphiQLFetcher, type Fetcher, type FetcherParams } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { Kind, type DocumentNode, type ExecutionResult } from 'graphql';

export function createParleyFetcher(httpUrl: string, wsUrl: string): Fetcher {
  const http = createGraphiQLFetcher({ url: httpUrl, enableIncrementalDelivery: false });
  return (params, options) => {
    if (options?.documentAST && isSubscription(options.documentAST, params.operationName)) {
      return subscribe(wsUrl, params, options.headers ?? {});
    }
    return http(params, options);
  };
}

function isSubscription(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return chosen?.operation === 'subscription';
}

async function* subscribe(url: string, params: FetcherParams, headers: Record<string, unknown>): AsyncGenerator<ExecutionResult> {
  const client = createClient({
    url,
    connectionParams: headers,
    lazy: true,
    retryAttempts: 2,
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === 4403),
  });
  try {
    for await (const result of client.iterate({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    })) {
      // GraphiQL only prints results; the wire shape (formatted errors) is what it shows.
      yield result as ExecutionResult;
    }
  } catch (error) {
    if (isCloseEvent(error)) {
      throw new Error(`Socket closed with ${error.code} ${error.reason}`.trim(), { cause: error });
    }
    throw error;
  } finally {
    await client.dispose();
  }
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
