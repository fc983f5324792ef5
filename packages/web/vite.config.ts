import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page calls `/api` on its own origin: `pnpm local` serves that origin in front of this
// server, with the production CSP plus a nonce (SHOP_CSP_NONCE) for what Vite injects.
export default defineConfig({
  plugins: [react()],
  ...(process.env.SHOP_CSP_NONCE ? { html: { cspNonce: process.env.SHOP_CSP_NONCE } } : {}),
  // Pre-bundled when the dev server starts, so the first page load never triggers a reload.
  optimizeDeps: {
    include: [
      'react',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-router',
      '@tanstack/react-query',
      '@trpc/tanstack-react-query',
      '@shop/client',
      'zustand',
      'zustand/middleware',
      'zod/mini',
      'jwt-decode',
      'react-hook-form',
    ],
  },
  server: { host: 'localhost', port: 5173, strictPort: true },
  preview: { host: 'localhost', port: 4173, strictPort: true },
  build: { target: 'es2022', sourcemap: false },
});
