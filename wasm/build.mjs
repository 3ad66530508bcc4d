#!/usr/bin/env node
// Builds wasm/hvm-core.wasm from the same native/core sources as the Node-API addon, and
// writes wasm/BUILDINFO.json (toolchain, flags, source and output hashes).
//
//   node wasm/build.mjs          build and write wasm/hvm-core.wasm + wasm/BUILDINFO.json
//   node wasm/build.mjs --check  rebuild in a temp dir; exit 1 if the committed files differ
//
// The committed .wasm is what users run when the addon cannot be built, so it must be
// reproducible byte for byte from the tree: the compiler version is pinned (a different
// clang may schedule float code or pick SIMD differently), every path handed to clang is
// relative to the repo root (and -ffile-prefix-map strips the root from anything else),
// the header search path is explicit (-nostdinc: nothing from /usr/local/include leaks
// in), there is no debug info, the name section is stripped, and the BUILDINFO holds no
// timestamps or absolute paths.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED_CLANG = '14.0.6';
const DEBIAN_PACKAGES = 'clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 (libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 are not needed by the core)';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/');

// Translation units, in link order: every native/core/*.cpp (sorted), plus the wasm-only
// trap hook. binding.gyp must list the same core files (checked below), so a new
// algorithm file cannot end up in one backend only. Headers are hashed too (inputs).
const CORE_SOURCES = readdirSync(path.join(root, 'native/core'))
  .filter((f) => f.endsWith('.cpp'))
  .sort()
  .map((f) => `native/core/${f}`);
const SOURCES = [...CORE_SOURCES, 'wasm/trap_hook.cpp'];
// The C ABI (native/core/hvm_core.h), the allocator the host uses to pass buffers, and a
// wasm-only hook that traps on purpose so the host's trap recovery can be tested.
const EXPORTS = [
  'hvm_frame_stats',
  'hvm_frame_sharpness',
  'hvm_gaussian_blur',
  'hvm_accumulate_frame',
  'hvm_phase_correlate',
  'hvm_phase_spectrum_len',
  'hvm_phase_reference',
  'hvm_phase_correlate_reference',
  'hvm_shift_accumulate',
  'hvm_detmath_eval',
  'hvm_local_normalize',
  'hvm_fill_outside',
  'hvm_hessian_vesselness',
  'hvm_min_filter',
  'hvm_hysteresis_threshold',
  'hvm_remove_small_components',
  'hvm_thin',
  'hvm_skeleton_graph',
  'hvm_grid_crossings',
  'hvm_shift_accumulate_moments',
  'hvm_space_time_sample',
  'hvm_space_time_encode',
  'hvm_refine_shift',
  'hvm_registration_image',
  'hvm_registration_residual',
  'hvm_pooled_ncc',
  'hvm_screen_extrema',
  'hvm_status_message',
  'hvm_core_version',
  'hvm_core_simd',
  'hvm_debug_trap',
  'malloc',
  'free',
];
// The only external symbols the core's objects may need: anything else (exp, sin, printf…)
// would mean libc/libm code whose results we do not control has crept into the core.
const ALLOWED_UNDEFINED = new Set(['malloc', 'free', 'memcpy', 'memmove', 'memset']);

const CLANG = process.env.HVM_WASM_CLANG ?? 'clang++';

// Failures throw, so the --check temp dir is still removed on the way out (see the end).
class BuildError extends Error {}
function die(msg) {
  throw new BuildError(msg);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.error) die(`cannot run ${cmd}: ${r.error.message}. Install the Debian packages: ${DEBIAN_PACKAGES}.`);
  if (r.status !== 0) die(`${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  if (r.stderr.trim() !== '') process.stderr.write(r.stderr); // compiler warnings
  return r.stdout;
}

function toolchain() {
  const v = run(CLANG, ['--version']);
  const first = v.split('\n')[0].trim();
  const m = /clang version (\d+\.\d+\.\d+)/.exec(first);
  if (!m || m[1] !== PINNED_CLANG) {
    die(
      `clang ${PINNED_CLANG} is required for a reproducible wasm build, found "${first}". ` +
        `Install the Debian bookworm packages: ${DEBIAN_PACKAGES}; or point HVM_WASM_CLANG at a clang++ ${PINNED_CLANG}.`,
    );
  }
  const resourceDir = run(CLANG, ['-print-resource-dir']).trim();
  const wasiInclude = '/usr/include/wasm32-wasi';
  if (!existsSync(path.join(wasiInclude, 'stdlib.h'))) die(`wasi-libc headers not found in ${wasiInclude}: apt-get install wasi-libc`);
  const builtins = path.join(resourceDir, 'lib', 'wasi', 'libclang_rt.builtins-wasm32.a');
  if (!existsSync(builtins)) die(`${builtins} missing: apt-get install libclang-rt-14-dev-wasm32`);
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'wasi-libc'], { encoding: 'utf8' });
  const wasiLibc = dpkg.status === 0 ? dpkg.stdout.trim() : 'unknown (dpkg-query unavailable)';
  return { clang: first, resourceDir, wasiInclude, wasiLibc };
}

function compileFlags(tc) {
  return [
    '--target=wasm32-wasi',
    '-std=c++17',
    '-O2',
    '-msimd128',
    '-ffp-contract=off',
    '-fno-fast-math',
    '-fno-math-errno',
    '-fno-exceptions',
    '-fno-rtti',
    '-nostdinc',
    '-isystem', path.join(tc.resourceDir, 'include'),
    '-isystem', tc.wasiInclude,
    `-ffile-prefix-map=${root}=.`,
    '-Wall',
    '-Wextra',
  ];
}

const LINK_FLAGS = [
  '--target=wasm32-wasi',
  '-mexec-model=reactor',
  '-nostdlib++',
  '-Wl,--stack-first',
  '-Wl,-z,stack-size=8388608',
  '-Wl,--initial-memory=16777216',
  '-Wl,--max-memory=2147483648',
  '-Wl,--strip-all',
  ...EXPORTS.map((e) => `-Wl,--export=${e}`),
];

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function coreInputs() {
  const headers = readdirSync(path.join(root, 'native/core'))
    .filter((f) => f.endsWith('.h'))
    .map((f) => `native/core/${f}`);
  return [...SOURCES, ...headers].sort().map((p) => ({ path: p, sha256: sha256(readFileSync(path.join(root, p))) }));
}

// Links the objects against nothing and reads the module's imports: with
// --allow-undefined every unresolved symbol becomes an `env` import, which lists exactly
// what the core needs from outside.
function checkUndefined(objs, outDir) {
  const probe = path.join(outDir, 'undefined-probe.wasm');
  run(CLANG, ['--target=wasm32-wasi', '-nostdlib', '-Wl,--no-entry', '-Wl,--allow-undefined',
    ...EXPORTS.filter((e) => e !== 'malloc' && e !== 'free').map((e) => `-Wl,--export=${e}`), ...objs, '-o', rel(probe)]);
  const mod = new WebAssembly.Module(readFileSync(probe));
  const bad = WebAssembly.Module.imports(mod).map((i) => i.name).filter((n) => !ALLOWED_UNDEFINED.has(n));
  if (bad.length > 0) {
    die(`the core calls functions outside its allow-list: ${bad.join(', ')}. Use native/core/detmath.h ` +
      `instead of <cmath>, and no stdio/exceptions in the core (native/README.md).`);
  }
}

function checkBindingGyp() {
  const gyp = readFileSync(path.join(root, 'binding.gyp'), 'utf8');
  const listed = [...gyp.matchAll(/'(native\/core\/[^']+\.cpp)'/g)].map((m) => m[1]).sort();
  const missing = CORE_SOURCES.filter((f) => !listed.includes(f));
  const extra = listed.filter((f) => !CORE_SOURCES.includes(f));
  if (missing.length > 0 || extra.length > 0) {
    die(`binding.gyp and native/core disagree (missing from binding.gyp: ${missing.join(', ') || '-'}; ` +
      `listed but absent: ${extra.join(', ') || '-'}). Both backends must compile the same core.`);
  }
}

function build(outDir) {
  checkBindingGyp();
  const tc = toolchain();
  const objDir = path.join(outDir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const cflags = compileFlags(tc);
  const objs = SOURCES.map((src) => {
    const obj = rel(path.join(objDir, src.replace(/[/.]/g, '_') + '.o'));
    run(CLANG, [...cflags, '-c', src, '-o', obj]);
    return obj;
  });
  checkUndefined(objs, outDir);
  const wasmOut = path.join(outDir, 'hvm-core.wasm');
  run(CLANG, [...LINK_FLAGS, ...objs, '-o', rel(wasmOut)]);
  const wasm = readFileSync(wasmOut);
  new WebAssembly.Module(wasm); // must at least validate on this Node
  const info = {
    note: 'Generated by wasm/build.mjs; `npm run check:wasm` verifies it. Do not edit.',
    toolchain: { clang: tc.clang, wasiLibc: tc.wasiLibc },
    // The system include dirs are recorded without their absolute location.
    compileFlags: cflags.map((f) => f.replace(root, '<root>')),
    linkFlags: LINK_FLAGS,
    exports: EXPORTS,
    inputs: coreInputs(),
    output: { path: 'wasm/hvm-core.wasm', bytes: wasm.length, sha256: sha256(wasm) },
  };
  const infoText = JSON.stringify(info, null, 2) + '\n';
  return { wasm, infoText };
}

function main() {
  const check = process.argv.includes('--check');
  if (!check) {
    const outDir = path.join(root, 'wasm', 'obj'); // git-ignored scratch
    rmSync(outDir, { recursive: true, force: true });
    const { wasm, infoText } = build(outDir);
    writeFileSync(path.join(root, 'wasm', 'hvm-core.wasm'), wasm);
    writeFileSync(path.join(root, 'wasm', 'BUILDINFO.json'), infoText);
    console.log(`wasm/build: wrote wasm/hvm-core.wasm (${wasm.length} bytes, sha256 ${sha256(wasm).slice(0, 16)}…) and wasm/BUILDINFO.json`);
    return;
  }
  // The temp dir lives inside the repo (git-ignored wasm/obj/) so relative paths are the
  // same shape as in a normal build.
  const scratch = path.join(root, 'wasm', 'obj');
  mkdirSync(scratch, { recursive: true });
  const outDir = mkdtempSync(path.join(scratch, 'check-'));
  try {
    const { wasm, infoText } = build(outDir);
    const wasmPath = path.join(root, 'wasm', 'hvm-core.wasm');
    const infoPath = path.join(root, 'wasm', 'BUILDINFO.json');
    const problems = [];
    if (!existsSync(wasmPath)) problems.push('wasm/hvm-core.wasm is missing');
    else if (!readFileSync(wasmPath).equals(wasm)) {
      problems.push(`wasm/hvm-core.wasm differs from a fresh build (committed sha256 ${sha256(readFileSync(wasmPath))}, fresh ${sha256(wasm)})`);
    }
    if (!existsSync(infoPath) || readFileSync(infoPath, 'utf8') !== infoText) {
      problems.push('wasm/BUILDINFO.json differs from a fresh build (a core source, flag or the toolchain changed)');
    }
    if (problems.length > 0) {
      die(`${problems.join('; ')}.\nRun \`npm run build:wasm\` and commit wasm/hvm-core.wasm and wasm/BUILDINFO.json.`);
    }
    console.log('wasm/build --check: wasm/hvm-core.wasm and BUILDINFO.json match a fresh build');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof BuildError)) throw e;
  console.error(`wasm/build: ${e.message}`);
  process.exitCode = 1;
}
