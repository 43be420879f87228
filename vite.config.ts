import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = `http://localhost:${process.env.PORT ?? '3000'}`;

/**
 * The UI is a Vite app rooted at client/, built into dist/client, which the
 * Express server serves. In dev (`npx vite`), API paths go to that server.
 * Unit tests are configured in vitest.config.ts, e2e in e2e/vitest.config.ts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // one SPA bundle (React Flow + zod + the shared core); split when the editor grows
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/trpc': apiTarget,
      '/auth': apiTarget,
      '/v1': apiTarget,
      '/l': apiTarget,
      '/export': apiTarget,
      '/agent-tasks': apiTarget,
    },
  },
});
