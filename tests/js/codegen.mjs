// Generate models with @asyncapi/modelina from an AsyncAPI document (JSON or YAML file),
// one file per model, for each language asked (all three by default):
//   node codegen.mjs <asyncapi.json|yaml> <output folder> [--java-input FILE]
//                    [typescript] [python] [java]
// --java-input: the document the Java models are made from (default: the same one).
// typescript: <out>/typescript/*.ts (interfaces, raw property names);
// python: the pydantic preset, package "asyncapimodels" (<out>/python/asyncapimodels/*.py);
// java: package "models" (<out>/java/models/*.java).
// Prints one JSON line {"<language>": {"models": [names], "warnings": ["..."]}, ...};
// "warnings" are modelina's own (e.g. a model overwriting another of the same name).
// Exit status: 0 when models were generated, 2 on usage, I/O or input problems.
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  Logger,
  TypeScriptFileGenerator,
  PythonFileGenerator,
  PYTHON_PYDANTIC_PRESET,
  JavaFileGenerator,
} from '@asyncapi/modelina';

const LANGUAGES = {
  typescript: () => [
    new TypeScriptFileGenerator({ modelType: 'interface', rawPropertyNames: true }),
    { exportType: 'named' },
    'typescript',
  ],
  python: () => [
    new PythonFileGenerator({ presets: [PYTHON_PYDANTIC_PRESET] }),
    {},
    path.join('python', 'asyncapimodels'),
  ],
  java: () => [new JavaFileGenerator({}), { packageName: 'models' }, path.join('java', 'models')],
};

async function main() {
  const args = process.argv.slice(2);
  let javaFile = null;
  const at = args.indexOf('--java-input');
  if (at >= 0) javaFile = args.splice(at, 2)[1];
  const [file, out, ...asked] = args;
  const languages = asked.length ? asked : Object.keys(LANGUAGES);
  if (!file || !out || languages.some((l) => !LANGUAGES[l])) {
    process.stderr.write('usage: node codegen.mjs <asyncapi> <out> [typescript|python|java]...\n');
    return 2;
  }
  const text = await readFile(file, 'utf8');
  const javaText = javaFile ? await readFile(javaFile, 'utf8') : text;
  let warnings = [];
  Logger.setLogger({
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(String(message)),
    error: (message) => warnings.push(String(message)),
  });
  const result = {};
  for (const language of languages) {
    const [generator, options, folder] = LANGUAGES[language]();
    const target = path.join(out, folder);
    await mkdir(target, { recursive: true });
    warnings = [];
    const input = language === 'java' ? javaText : text;
    const models = await generator.generateToFiles(input, target, options, true);
    result[language] = { models: models.map((m) => m.modelName), warnings };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
    process.exit(2);
  },
);
