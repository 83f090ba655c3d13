// Gives the wasm's imports and exports short names, in the wasm and in the wasm-bindgen
// glue alike, after wasm-opt (scripts/build-wasm.sh). wasm-bindgen names each import
// after its JavaScript function plus a 16-digit hash (`__wbg_fillText_0123456789abcdef`), and
// both files carry every such name once: hex digits gzip badly. Only names change; the glue's
// code, the wasm's code and what the page does stay as they were. `memory` keeps its name:
// the shell reads it from what the init returns (web/main.ts; `memoryBytes` in web/api.ts).
//   usage: node scripts/short-names.mjs WASM GLUE.js TYPES.d.ts... (the types that name exports)
import { readFileSync, writeFileSync } from 'node:fs';
import { leb, module, name, readName, sections as sectionsOf, skipImportKind, toLeb } from './wasm-binary.mjs';

const KEEP = new Set(['memory']);
const [wasmPath, gluePath, ...typesPaths] = process.argv.slice(2);
if (!gluePath) throw new Error('short-names: give the .wasm, its .js glue and the .d.ts files');
const bytes = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');
const types = typesPaths.map((path) => readFileSync(path, 'utf8'));

// Short identifiers in order: a…z, A…Z, then a0…Z9 and on.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function shortName(k) {
  if (k < LETTERS.length) return LETTERS[k];
  const rest = k - LETTERS.length;
  return LETTERS[rest % LETTERS.length] + Math.floor(rest / LETTERS.length);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Replaces each whole-word match of `pattern` in `text` and says how many there were.
function replaceAll(text, pattern, by) {
  let count = 0;
  const out = text.replace(pattern, () => {
    count += 1;
    return by;
  });
  return [out, count];
}

const sections = sectionsOf(bytes);

const modules = new Map();
for (const section of sections) {
  if (section.id === 2) {
    const body = section.body;
    let [count, p] = leb(body, 0);
    const parts = [toLeb(count)];
    for (let k = 0; k < count; k++) {
      let module;
      let field;
      [module, p] = readName(body, p);
      [field, p] = readName(body, p);
      const [, end] = skipImportKind(body, p);
      if (!modules.has(module)) modules.set(module, shortName(modules.size));
      const short = shortName(k);
      // Each import is a key of the glue's import object, named once.
      let found;
      [glue, found] = replaceAll(glue, new RegExp(`(?<![\\w$])${escape(field)}(?=\\s*:)`, 'g'), short);
      if (found !== 1) throw new Error(`short-names: import ${field} is named ${found} times in the glue`);
      parts.push(name(modules.get(module)), name(short), body.subarray(p, end));
      p = end;
    }
    section.body = Buffer.concat(parts);
  } else if (section.id === 7) {
    const body = section.body;
    let [count, p] = leb(body, 0);
    const parts = [toLeb(count)];
    let next = 0;
    for (let k = 0; k < count; k++) {
      let field;
      [field, p] = readName(body, p);
      const kind = body[p];
      const [, end] = leb(body, p + 1);
      let short = field;
      if (!KEEP.has(field)) {
        short = shortName(next++);
        // The glue calls exports as `wasm.name`; an export it never calls is renamed too.
        [glue] = replaceAll(glue, new RegExp(`\\bwasm\\.${escape(field)}(?![\\w$])`, 'g'), `wasm.${short}`);
        for (let t = 0; t < types.length; t++) {
          [types[t]] = replaceAll(types[t], new RegExp(`\\b${escape(field)}(?=:)`, 'g'), short);
        }
      }
      parts.push(name(short), Buffer.from([kind]), body.subarray(p + 1, end));
      p = end;
    }
    section.body = Buffer.concat(parts);
  }
}
for (const [module, short] of modules) {
  let found;
  [glue, found] = replaceAll(glue, new RegExp(`"${escape(module)}"(?=\\s*:)`, 'g'), `"${short}"`);
  if (found !== 1) throw new Error(`short-names: import module ${module} is named ${found} times in the glue`);
}
// Nothing in the glue may still call an export by a name the wasm no longer has.
for (const match of glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
  const called = match[1];
  if (!/^[A-Za-z][0-9]?$/.test(called) && !KEEP.has(called)) {
    throw new Error(`short-names: the glue calls wasm.${called}, which the wasm does not export`);
  }
}

const written = module(bytes, sections);
writeFileSync(wasmPath, written);
writeFileSync(gluePath, glue);
typesPaths.forEach((path, t) => writeFileSync(path, types[t]));
console.log(`short-names: ${wasmPath} ${bytes.length} -> ${written.length} bytes`);
