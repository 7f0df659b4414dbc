/** Reads the text of a PDF, page by page, with pdfjs (legacy build for Node): what a reader would see. */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { inflateSync } from 'node:zlib'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`

export async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

/** One string per page; runs of white space (including no-break spaces) collapse to one space. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, isEvalSupported: false }).promise
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    const content = await page.getTextContent()
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ')
    pages.push(text.replace(/\s+/gu, ' ').trim())
  }
  await document.destroy()
  return pages
}

/** The document's properties (Title, Subject, Author…) as a reader shows them. */
export async function pdfInfo(pdf: Buffer): Promise<Record<string, unknown>> {
  const document = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, isEvalSupported: false }).promise
  const { info } = await document.getMetadata()
  await document.destroy()
  return info as Record<string, unknown>
}

/**
 * The PDF's compressed streams inflated, as Latin-1 text: the drawing operators, where pdfkit writes the standard
 * fonts' text as hex strings of Windows-1252 codes (`<43616e…>`). pdfjs's text reads a no-break space as a space;
 * these bytes tell them apart.
 */
export function pdfInflatedStreams(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  const starts = /stream\r?\n/g
  const streams: string[] = []
  for (let match = starts.exec(raw); match; match = starts.exec(raw)) {
    const start = match.index + match[0].length
    try {
      streams.push(inflateSync(pdf.subarray(start, raw.indexOf('endstream', start))).toString('latin1'))
    } catch {
      // Not a deflated stream (none in pdfkit's output but fonts it embeds): nothing to read.
    }
  }
  return streams.join('\n')
}
