import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'

const web = join(import.meta.dirname, '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  )
}

/** The opening `<form …>` tags of a source, braces balanced so that `=>` inside a handler does not end the tag. */
function formTags(source: string): { line: number; tag: string }[] {
  const tags: { line: number; tag: string }[] = []
  for (const match of source.matchAll(/<form\b/g)) {
    let depth = 0
    let end = match.index + 5
    for (; end < source.length; end++) {
      const c = source[end]
      if (c === '{') depth++
      else if (c === '}') depth--
      else if (c === '>' && depth === 0) break
    }
    tags.push({ line: source.slice(0, match.index).split('\n').length, tag: source.slice(match.index, end + 1) })
  }
  return tags
}

describe('forms speak the interface’s language', () => {
  it('every <form> has noValidate: no browser bubble « Please fill out this field » in a French interface', () => {
    const files = sources(web)
    const forms = files.flatMap((file) =>
      formTags(readFileSync(file, 'utf8')).map((form) => ({ ...form, file: relative(web, file) })),
    )
    assert.ok(forms.length >= 10, `only ${forms.length} forms found: the scan is broken`)
    const native = forms.filter((form) => !/\bnoValidate\b/.test(form.tag)).map((f) => `${f.file}:${f.line}`)
    assert.deepEqual(native, [])
  })

  it('no browser date or time picker: they show mm/dd/yyyy and AM/PM in an English browser (DayInput, DayTimeInput)', () => {
    const native = sources(web).filter((file) =>
      /type=["'{`]*(?:date(?:time-local)?|time)["'}`]/.test(readFileSync(file, 'utf8')),
    )
    assert.deepEqual(
      native.map((file) => relative(web, file)),
      [],
    )
  })

  it('reads a tag to its real end', () => {
    assert.deepEqual(
      formTags('<form\n  onSubmit={(e) => go(e)}\n  noValidate\n>').map((f) => f.tag.includes('noValidate')),
      [true],
    )
  })
})
