// Validate an AsyncAPI document (JSON or YAML file) with the official
// @asyncapi/parser and print one JSON line:
//   {"errors": N, "warnings": N, "diagnostics": [{severity, code, message, path}]}
// severity is one of "error", "warning", "info", "hint".
// Exit status: 0 when the document was parsed (even with errors), 2 on usage
// or I/O problems.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const SEVERITY = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node validate.mjs <asyncapi.json|yaml>\n');
    return 2;
  }
  const source = path.resolve(file);
  const text = await readFile(source, 'utf8');
  const parser = new Parser();
  const { diagnostics } = await parser.parse(text, { source });
  const out = diagnostics.map((d) => ({
    severity: SEVERITY[d.severity] ?? String(d.severity),
    code: d.code === undefined ? null : String(d.code),
    message: d.message,
    path: Array.isArray(d.path) ? d.path.map(String) : [],
  }));
  const count = (s) => out.filter((d) => d.severity === s).length;
  process.stdout.write(
    JSON.stringify({ errors: count('error'), warnings: count('warning'), diagnostics: out }) + '\n',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
    process.exit(2);
  },
);
