/** Starts the one Parley server the browser tests share, and stops it afterwards. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FRONTEND_DIR, startParleyServer } from './processes';

export default async function globalSetup() {
  if (!existsSync(join(FRONTEND_DIR, 'dist', 'index.html')) || !existsSync(join(FRONTEND_DIR, 'dist', 'graphiql.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` before `npm run test:e2e`.');
  }
  const server = await startParleyServer();
  process.env.PARLEY_BASE_URL = server.baseURL;
  process.env.PARLEY_SERVER_LOG = server.logPath;
  process.env.PARLEY_MAIL_DIR = server.mailDir;
  return async () => {
    await server.stop();
  };
}
