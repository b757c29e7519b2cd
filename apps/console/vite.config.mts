import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// `base: './'`: the bundle works from any folder it is served from (the embedded default serves it at `/`).
// `cacheDir` outside node_modules: npm takes a node_modules that changed after install for out of date and reads the whole
// tree again on every `npx gantry` (seconds).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  cacheDir: repo('dist/.vite'),
  plugins: [react()],
  resolve: {
    alias: {
      '@gantry/client': repo('libs/client/src/index.ts'),
      '@gantry/auth/roles': repo('libs/auth/src/roles.ts'),
      '@gantry/contracts/weekly-windows': repo('contracts/src/weekly-windows.ts'),
    },
  },
  build: { outDir: repo('dist/console'), emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
});
