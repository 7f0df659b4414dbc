// One ES module for Node from a TypeScript entry: packages stay in node_modules, only our code is compiled. What
// `npm run build` does for the server (scripts/build-server.mjs) and the benchmarks for the processes they measure,
// so that those run as production does.
import { build } from 'esbuild'

/** @param {import('esbuild').BuildOptions} options entry points and output, plus any option to add or override */
export function bundleForNode(options) {
  return build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    ...options,
  })
}
