import { defineConfig } from 'vite';

// index.html sits at the repository root; the shell lives in web/ and the wasm-bindgen
// output in web/pkg (built by scripts/build-wasm.sh). Relative asset paths (`base: './'`)
// let dist/ be served from any folder of any static host.
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
});
