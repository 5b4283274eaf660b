// Generate TypeScript models with @asyncapi/modelina from an AsyncAPI document
// (JSON or YAML file) and print one JSON line:
//   {"models": [{"name": ..., "code": ...}], "warnings": ["..."]}
// "warnings" are modelina's own (e.g. a model overwriting another of the same name).
// Exit status: 0 when models were generated, 2 on usage, I/O or input problems.
import { readFile } from 'node:fs/promises';
import { TypeScriptGenerator, Logger } from '@asyncapi/modelina';

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node modelina.mjs <asyncapi.json|yaml>\n');
    return 2;
  }
  const text = await readFile(file, 'utf8');
  const warnings = [];
  Logger.setLogger({
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(String(message)),
    error: (message) => warnings.push(String(message)),
  });
  const generator = new TypeScriptGenerator({ modelType: 'interface', rawPropertyNames: true });
  const models = await generator.generate(text);
  const out = models.map((m) => ({ name: m.modelName, code: m.result }));
  process.stdout.write(JSON.stringify({ models: out, warnings }) + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
    process.exit(2);
  },
);
