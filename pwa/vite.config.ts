// The PWA build: pwa/ -> pwa/dist, served by the Worker as static assets.
// vite-plugin-pwa builds our own service worker (src/sw.ts, injectManifest) and the web app manifest.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      // registered by app/UpdatePrompt.tsx, and only in a secure context
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      manifest: {
        id: '/',
        name: 'MeshDrop',
        short_name: 'MeshDrop',
        description:
          'Send files straight between your devices: phones, tablets and computers, nearby or far apart.',
        lang: 'en',
        theme_color: '#3a4bd8',
        background_color: '#f4f6fb',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        categories: ['productivity', 'utilities'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'files', accept: ['*/*'] }] },
        },
      },
    }),
  ],
  // test builds only (`MESHDROP_TEST_BUILD=1`, set by e2e/pwa/support.ts): the journeys' hooks on `window`
  define: { __MESHDROP_TEST_HOOKS__: JSON.stringify(process.env.MESHDROP_TEST_BUILD === '1') },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
