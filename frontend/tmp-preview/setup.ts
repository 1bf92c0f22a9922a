// TEMPORARY (local validation only, deleted before hand-off): serve dist/ with vite preview,
// proxying /graphql and /media to the real backend, until the backend serves dist itself.
import { preview } from 'vite';
import { freePort, startParleyServer } from '../e2e/support/processes';

export default async function setup() {
  const server = await startParleyServer();
  const port = await freePort();
  const target = server.baseURL;
  const app = await preview({
    configFile: false,
    root: '/work/main/frontend',
    build: { outDir: 'dist' },
    preview: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      proxy: {
        '/graphql': { target, ws: true },
        '/media': { target },
      },
    },
  });
  process.env.PARLEY_BASE_URL = `http://127.0.0.1:${port}`;
  process.env.PARLEY_BACKEND_URL = target;
  return async () => {
    await app.close();
    await server.stop();
  };
}
