#!/usr/bin/env node
// Loads the TypeScript CLI in-process through tsx, so `npx allervers …` works right after `npm install` without a build.
import { spawnSync } from 'node:child_process'

// `allervers import …` runs under a 1 GB V8 heap ceiling (docs/decisions.md "Import memory"): without one V8 lets the
// garbage of a 200,000-household file grow to several times the live data before collecting it. The ceiling is set by
// starting the command again with the flag, unless it (or NODE_OPTIONS) already names one.
const IMPORT_HEAP_MB = 1024
const heapFlag = '--max-old-space-size'
if (
  process.argv[2] === 'import' &&
  !process.execArgv.some((flag) => flag.startsWith(heapFlag)) &&
  !(process.env.NODE_OPTIONS ?? '').includes(heapFlag)
) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, `${heapFlag}=${IMPORT_HEAP_MB}`, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  )
  process.exit(child.status ?? 1)
}

const { register } = await import('tsx/esm/api')
register()
await import('../src/cli/main.ts')
