#!/usr/bin/env node
// Builds the Node-API addon (build/Release/hvm_core.node) with node-gyp.
//
// Runs as the package's `install` script, so it must never make `npm ci` fail just because
// a machine has no C++ toolchain: without --required a failure prints one warning and exits
// 0 (hvm then runs on the wasm backend). `npm run build:native` passes --required and
// exits 1 on failure, showing the compiler's output.
//
// It never downloads Node headers: --nodedir points at the headers of the running Node
// (<prefix>/include/node), which we check first so the error can say what to install.
// (~/.npmrc may set nodedir too; we do not rely on it and pass the flag explicitly.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const required = process.argv.includes('--required');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HINT = 'hvm will run on the wasm backend (same results, slower); run `npm run build:native` to see the full output';

function fail(message) {
  if (required) {
    console.error(`build-native: ${message}`);
    process.exit(1);
  }
  console.warn(`hvm-engine: native build failed: ${message}\nhvm-engine: ${HINT}`);
  process.exit(0);
}

function findNodeGyp() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const fromNpm = process.env.npm_config_node_gyp;
    return fromNpm && existsSync(fromNpm) ? fromNpm : undefined;
  }
}

// HVM_NODEDIR points at another headers tree (and lets tests exercise the failure path).
const nodedir = process.env.HVM_NODEDIR ? path.resolve(process.env.HVM_NODEDIR) : path.resolve(process.execPath, '../..');
const header = path.join(nodedir, 'include', 'node', 'node_api.h');
if (!existsSync(header)) {
  fail(
    `Node headers not found at ${header}. Install the headers of this Node ` +
      `(${process.version}): on Debian/Ubuntu the nodejs package from NodeSource ships them, ` +
      `with Debian's own nodejs install libnode-dev; or set HVM_NODEDIR to a Node ` +
      `headers tree (the folder that holds include/node).`,
  );
}

const gyp = findNodeGyp();
if (gyp === undefined) fail('node-gyp not found: run `npm ci` first (node-gyp is a dependency).');

// Is the C++ compiler node-gyp will use GCC? (make's default CXX is g++.) binding.gyp
// then adds GCC's vectoriser cost-model flag, which clang would reject.
function cxxIsGcc() {
  if (process.platform === 'win32' || process.platform === 'darwin') return false;
  const cxx = (process.env.CXX ?? 'g++').trim().split(/\s+/);
  const r = spawnSync(cxx[0], [...cxx.slice(1), '--version'], { encoding: 'utf8' });
  return r.status === 0 && /Free Software Foundation/.test(r.stdout) && !/clang/i.test(r.stdout);
}

// Unknown --name=value options become gyp variables (node-gyp writes them to config.gypi).
const args = [gyp, 'rebuild', `--nodedir=${nodedir}`, '--release', `--hvm_gcc=${cxxIsGcc() ? 1 : 0}`];
if (!required) args.push('--loglevel=error');
const res = spawnSync(process.execPath, args, {
  cwd: root,
  // Quiet during `npm install` unless asked; full output for build:native.
  stdio: required ? 'inherit' : 'ignore',
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (res.error) fail(`could not run node-gyp: ${res.error.message}`);
if (res.status !== 0) fail(`node-gyp exited with status ${res.status ?? res.signal}`);
if (!existsSync(path.join(root, 'build', 'Release', 'hvm_core.node'))) {
  fail('node-gyp finished but build/Release/hvm_core.node is missing');
}
if (required) console.log('build-native: built build/Release/hvm_core.node');
