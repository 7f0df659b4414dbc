#!/usr/bin/env node
// Builds the server and CLI into one ES module, dist/server/allervers.mjs, for production (`npm start`): packages stay
// in node_modules, only our TypeScript is compiled. Running the compiled file instead of compiling TypeScript at
// start-up (tsx) keeps about 40 MB less resident (docs/decisions.md "Production runs a compiled server").
// The file must stay two folders below the project root: src/server/version.ts reads ../../package.json.
// The thread that reads uploaded files is a second entry point, dist/server/import-worker.mjs, found next to the server
// by src/server/features/imports/imports.reading.ts.
import { bundleForNode } from './node-bundle.mjs'

await bundleForNode({
  entryPoints: { allervers: 'src/cli/main.ts', 'import-worker': 'src/server/features/imports/imports.worker.ts' },
  outdir: 'dist/server',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
})
