// Runs the MyST CLI with V8's compiled code for its bundle kept in a cache file. ces-report
// starts MyST once per PDF, and compiling the 14 MB bundle is a third of each start.
//
// Run as `node -e <this file> -- MYST_CJS ARGS…` with CES_MYST_CODE_CACHE naming the cache file.
// A missing, stale or rejected cache only costs time: V8 checks it against the source and
// Node version, and a fresh one is written (atomically) when the run ends.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const [node, entry, ...args] = process.argv;
const cacheFile = process.env.CES_MYST_CODE_CACHE;
const filename = fs.realpathSync(entry);
const source = fs.readFileSync(filename, 'utf8').replace(/^#!/, '//');

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), {
  filename,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      fs.rmSync(temporary, { force: true });
    }
  });
}

const main = new Module(filename, null);
main.filename = filename;
main.paths = Module._nodeModulePaths(path.dirname(filename));
process.mainModule = main;
process.argv = [node, filename, ...args];
script.runInThisContext()(main.exports, Module.createRequire(filename), main, filename, path.dirname(filename));
main.loaded = true;
