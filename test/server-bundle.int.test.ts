import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createTestDatabase } from './database.js'

// `npm start` runs the compiled server (dist/server/allervers.mjs, built by `npm run build`): build it as the build
// does, start it on a fresh database of the engine under test, and ask it for its health.
describe('the compiled server', () => {
  it('builds, starts, migrates its database and answers', async (t) => {
    const build = spawnSync(process.execPath, ['scripts/build-server.mjs'], { encoding: 'utf8' })
    assert.equal(build.status, 0, build.stderr)

    const test = await createTestDatabase()
    const folder = mkdtempSync(join(tmpdir(), 'allervers-bundle-'))
    t.after(async () => {
      await test.destroy()
      rmSync(folder, { recursive: true, force: true })
    })
    // SQLite: a file of its own (the in-memory test database is not shared with another process).
    const url = test.engine === 'sqlite' ? `sqlite:${join(folder, 'bundle.sqlite')}` : test.url
    const server = spawn(process.execPath, ['dist/server/allervers.mjs', 'serve'], {
      env: { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    t.after(() => server.kill('SIGTERM'))
    let output = ''
    server.stdout.setEncoding('utf8')
    server.stderr.setEncoding('utf8')
    server.stderr.on('data', (chunk: string) => {
      output += chunk
    })
    const address = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk: string) => {
        output += chunk
        const match = /listens on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)))
    })
    const response = await fetch(`${address}/api/health`)
    assert.equal(response.status, 200)
    const body = (await response.json()) as { status?: string; database?: string }
    assert.equal(body.status, 'ok')
    server.kill('SIGTERM')
    const [code] = await once(server, 'exit')
    assert.equal(code, 0, `a clean shutdown on SIGTERM: ${output}`)
  })
})
