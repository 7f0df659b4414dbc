/**
 * Every action the server writes to the access log is one of the contract's AUDIT_ACTIONS: the DPO's journal filters
 * by that list and names each action from it, so an action missing there can be neither found by its name nor read.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { AUDIT_ACTIONS } from '../../../shared/contracts/data-protection.js'

const SERVER = join(import.meta.dirname, '../..')

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.includes('.test.') ? [path] : []
  })
}

describe('access log actions', () => {
  it('are all in the contract’s list, which the journal filters and names by', () => {
    const written = new Set<string>()
    for (const file of sourceFiles(SERVER)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) written.add(match[1]!)
    }
    assert.ok(written.size > 40, `found the actions written (${written.size})`)
    const known = new Set<string>(AUDIT_ACTIONS)
    assert.deepEqual(
      [...written].filter((action) => !known.has(action)),
      [],
    )
  })
})
