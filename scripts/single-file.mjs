// Writes dist/river-raft.html: the whole page in one file, for where a web server is not at
// hand (a double-click, an email attachment, a USB stick). Browsers run neither module
// scripts loaded from a `file://` address nor `fetch` of a wasm file there, so everything is
// carried inside: the stylesheet is already inline (vite.config.ts), the script becomes an
// inline module, and the wasm travels gzipped, as base64, in a data block that web/inline-wasm.ts hands
// to the wasm-bindgen init instead of fetching. Run by scripts/build.sh after Vite.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const html = await readFile(join(dist, 'index.html'), 'utf8');

const tag = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"[^>]*><\/script>/;
const found = html.match(tag);
if (!found) throw new Error('single-file: dist/index.html has no module script tag');
if (html.match(new RegExp(tag.source, 'g')).length !== 1) throw new Error('single-file: more than one module script');
let script = await readFile(join(dist, found[1]), 'utf8');
// One chunk only: a second one would be fetched, which file:// refuses.
if (/\bimport\s*\(|^import[\s{*]/m.test(script)) throw new Error('single-file: the script imports another chunk');
// Inside an inline script, "</script" would end it early; "<\/script" means the same to JS.
script = script.replace(/<\/(script)/gi, '<\\/$1');

const wasm = (await readdir(join(dist, 'assets'))).filter((f) => f.endsWith('.wasm'));
if (wasm.length !== 1) throw new Error(`single-file: expected one wasm in dist/assets, found ${wasm.length}`);
const base64 = gzipSync(await readFile(join(dist, 'assets', wasm[0])), { level: 9 }).toString('base64');

const single = html.replace(tag, () =>
  `<script id="river-raft-wasm" type="application/octet-stream">${base64}</script>\n` +
  `<script type="module">${script}</script>`);
await writeFile(join(dist, 'river-raft.html'), single);
console.log(`single-file: dist/river-raft.html, ${single.length} bytes`);
