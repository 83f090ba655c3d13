import { defineConfig, type Plugin } from 'vite';

/** Makes index.html smaller to transfer, which is tracked against a budget: drops its
 * indentation (a newline and the spaces after it render as the single space they collapse
 * to anyway; the page has no `<pre>` and no text in a `<textarea>`), and inlines the
 * stylesheet (one file less, and gzip shares the class names between markup and style). */
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
        return html.replace(/\n\s*/g, '\n');
      },
    },
  };
}

/** The teaching tools as a chunk of their own, and its address as the module
 * `virtual:teach-url` for the page to `import()` when someone opens them. A plain dynamic
 * `import('./teach')` would do the same, but Vite then adds its preloading helper (about
 * 1 KB gzipped) to the page's script, which the page's size budget cannot spare. The tools
 * must take what they share with the page through the shell they are given, not by
 * importing it: a module both import would become a third file for the page to load. */
function teachChunk(): Plugin {
  const id = '\0teach-url';
  return {
    name: 'teach-chunk',
    resolveId(source) {
      return source === 'virtual:teach-url' ? id : null;
    },
    load(module) {
      if (module !== id) return null;
      // The dev server serves the source as it is.
      if (this.environment.mode === 'dev') return "export default '/web/teach.ts';";
      const ref = this.emitFile({ type: 'chunk', id: 'web/teach.ts', name: 'teach', preserveSignature: 'strict' });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
  };
}

// index.html sits at the repository root; the shell lives in web/ and the wasm-bindgen
// output in web/pkg (built by scripts/build-wasm.sh). Relative asset paths (`base: './'`)
// let dist/ be served from any folder of any static host. The teaching tools (web/teach.ts
// and its own wasm, web/pkg-teach) are imported dynamically: Vite gives them files of their
// own, fetched when someone opens the tools.
export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [compactHtml(), teachChunk()],
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
