import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// `base: './'`: the bundle works from any folder it is served from (the embedded default serves it at `/`).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
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
