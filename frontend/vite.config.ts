import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// Two entries: the app (index.html) and the offline GraphiQL (graphiql.html), both built
// into dist/ with hashed files under dist/assets/ for the backend to serve.
const apiTarget = process.env.PARLEY_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql.html'),
      },
      output: {
        // React is shared by both pages: one cacheable chunk with a name that says so.
        manualChunks(id) {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
        },
      },
      onwarn(warning, warn) {
        // GraphiQL's modules start with "use no memo" (a React Compiler hint); harmless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  // Monaco's workers (GraphiQL's editors) are ES modules with imports of their own.
  worker: { format: 'es' },
  server: {
    proxy: {
      '/graphql': { target: apiTarget, ws: true, changeOrigin: false },
      '/media': { target: apiTarget },
      '/attachments': { target: apiTarget },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    testTimeout: 10_000,
    // graphql-ws's server (a test's real socket peer) must share the app's one graphql module.
    server: { deps: { inline: ['graphql-ws'] } },
  },
});
