/**
 * Entry of the offline GraphiQL (graphiql.html, served at GET /graphql/): everything is
 * bundled, Monaco's workers included, so the page needs nothing but this server.
 * #query=…&variables=…&headers=… prefill the editors (in the fragment: a GET /graphql/ with
 * ?query= is a GraphQL request to the server); else a signed-in app session in this browser
 * prefills the Authorization header.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createParleyFetcher } from './fetcher';
import { graphqlWsUrl } from '../apollo/endpoints';

const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
const fetcher = createParleyFetcher(`${window.location.origin}/graphql/`, graphqlWsUrl(window.location));

function sessionHeaders(): string | undefined {
  try {
    const stored = JSON.parse(window.localStorage.getItem('parley.session') ?? 'null') as { token?: string } | null;
    return stored?.token ? JSON.stringify({ Authorization: `Bearer ${stored.token}` }, null, 2) : undefined;
  } catch {
    return undefined;
  }
}

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      initialQuery={params.get('query') ?? undefined}
      initialVariables={params.get('variables') ?? undefined}
      initialHeaders={params.get('headers') ?? sessionHeaders()}
      defaultEditorToolsVisibility={params.has('headers') ? 'headers' : undefined}
    />
  </StrictMode>,
);
