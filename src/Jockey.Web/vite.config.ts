/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API's address comes from the AppHost in Aspire's form; the browser only ever sees this origin.
const api = process.env.services__apiservice__http__0 ?? 'http://127.0.0.1:9000'

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': { target: api, changeOrigin: true, ws: true },
      '/hubs': { target: api, changeOrigin: true, ws: true },
      '/openapi': { target: api, changeOrigin: true },
      '/scalar': { target: api, changeOrigin: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'server.test.ts'],
  },
})
