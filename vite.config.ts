import { defineConfig, type Plugin } from 'vite';

/** Makes index.html smaller to transfer, which is tracked against a budget: drops its
 * comments (notes for whoever edits the markup: 0.1 KB gzipped) and its indentation (a
 * newline and the spaces after it render as the single space they collapse to anyway; the
 * page has no `<pre>` and no text in a `<textarea>`), and inlines the stylesheet (one file
 * less, and gzip shares the class names between markup and style). */
function compactHtml(): Plugin {
  return {
    name: 'compact-html',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        for (const [name, file] of Object.entries(ctx.bundle ?? {})) {
          if (file.type !== 'asset' || !name.endsWith('.css')) continue;
          const link = new RegExp(`<link rel="stylesheet"[^>]*href="[^"]*${name.replace(/[.]/g, '[.]')}"[^>]*>`);
          if (!link.test(html)) continue;
          html = html.replace(link, () => `<style>${String(file.source)}</style>`);
          delete ctx.bundle?.[name];
        }
        return html.replace(/<!--[\s\S]*?-->/g, '').replace(/\n\s*/g, '\n');
      },
    },
  };
}

// index.html sits at the repository root; the shell lives in web/ and the wasm-bindgen
// output in web/pkg (built by scripts/build-wasm.sh). Relative asset paths (`base: './'`)
// let dist/ be served from any folder of any static host.
export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [compactHtml()],
  build: {
    // Only browsers with native module preloading run the page (it needs wasm and ES2022).
    modulePreload: false,
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
});
