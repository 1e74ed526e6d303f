/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API's address comes from the AppHost in Aspire's form; the browser only ever sees this origin.
const api = process.env.services__apiservice__http__0 ?? 'http://127.0.0.1:9000'

export default defineConfig({
  plugins: [react()],
  // Imported only when a preview plays: found at that moment, Vite would re-optimize its dependencies and reload the page.
  optimizeDeps: { include: ['hls.js/light'] },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    // The browser's Host goes through unchanged (no changeOrigin): the API checks a socket's Origin against it.
    proxy: {
      '/api': { target: api, ws: true },
      '/hubs': { target: api, ws: true },
      '/openapi': { target: api },
      '/scalar': { target: api },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'server.test.ts'],
  },
})
