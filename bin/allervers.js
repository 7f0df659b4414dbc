#!/usr/bin/env node
// Loads the TypeScript CLI in-process through tsx, so `npx allervers …` works right after `npm install` without a build.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
