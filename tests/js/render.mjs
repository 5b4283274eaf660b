// Render an AsyncAPI document with an installed @asyncapi/generator template:
//   node render.mjs <html|markdown> <asyncapi.json|yaml> <output folder>
// The template is given as the path of its installed package, so nothing is fetched
// (html-template's PDF output, which needs puppeteer's browser, stays off).
// Prints one JSON line {"files": [...]} ; exit 2 on usage, input or render problems.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const Generator = require('@asyncapi/generator');

// html-template renders @asyncapi/react-component with its own React 18; the hoisted
// react-component (and its hoisted dependencies) would otherwise create their elements
// with the top-level React 19: every request that lands on the top-level React goes
// to the template's copy.
function useTemplateReact(template) {
  const own = path.join(template, 'node_modules');
  const top = path.join(path.dirname(template), '..');
  const hoisted = [path.join(top, 'react') + path.sep, path.join(top, 'react-dom') + path.sep];
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const found = resolve.call(this, request, parent, ...rest);
    if (hoisted.some((prefix) => found.startsWith(prefix))) {
      return resolve.call(this, request, { ...parent, paths: [own] }, ...rest);
    }
    return found;
  };
}

const TEMPLATES = {
  html: ['@asyncapi/html-template', { singleFile: 'true', outFilename: 'index.html' }],
  markdown: ['@asyncapi/markdown-template', { outFilename: 'asyncapi.md' }],
};

async function main() {
  const [kind, file, out] = process.argv.slice(2);
  if (!TEMPLATES[kind] || !file || !out) {
    process.stderr.write('usage: node render.mjs <html|markdown> <asyncapi> <out>\n');
    return 2;
  }
  const [name, templateParams] = TEMPLATES[kind];
  const template = path.dirname(require.resolve(`${name}/package.json`));
  if (kind === 'html') useTemplateReact(template);
  const generator = new Generator(template, path.resolve(out), {
    forceWrite: true,
    install: false,
    templateParams,
  });
  await generator.generateFromFile(path.resolve(file));
  const files = (await readdir(out, { recursive: true })).sort();
  process.stdout.write(JSON.stringify({ files }) + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
    process.exit(2);
  },
);
