/** The app's providers and routes. */
import { ApolloProvider } from '@apollo/client/react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import type { ParleyClient } from '../apollo/client';
import { SocketStatusContext } from '../apollo/socketStatus';
import type { SessionStore } from '../auth/session';
import { SessionProvider } from '../auth/SessionContext';
import { LoginPage } from '../auth/LoginPage';
import { RegisterPage } from '../auth/RegisterPage';
import { RequireAuth } from '../auth/RequireAuth';
import { RoomsPage } from '../rooms/RoomsPage';
import { ConversationRoute } from '../conversation/ConversationPage';
import { SettingsPage } from '../settings/SettingsPage';
import { AppShell } from './AppShell';

export function App({ parley, session }: { parley: ParleyClient; session: SessionStore }) {
  return (
    <ApolloProvider client={parley.client}>
      <SocketStatusContext.Provider value={parley.socketStatus}>
        <SessionProvider store={session}>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route
                element={
                  <RequireAuth>
                    <AppShell />
                  </RequireAuth>
                }
              >
                <Route index element={<RoomsPage />} />
                <Route path="dm/:roomId" element={<ConversationRoute />} />
                <Route path="settings" element={<SettingsPage />} />
              </Route>
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </BrowserRouter>
        </SessionProvider>
      </SocketStatusContext.Provider>
    </ApolloProvider>
  );
}
