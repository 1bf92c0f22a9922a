/** Entry of the web client: the session, the one Apollo client, then the React tree. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createParleyClient } from './apollo/client';
import { SessionStore } from './auth/session';
import { tokenRefresher } from './auth/authApi';
import './app/styles.css';

const session = new SessionStore(window.localStorage);
const parley = createParleyClient(session);
session.start(tokenRefresher(parley.client));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App parley={parley} session={session} />
  </StrictMode>,
);
