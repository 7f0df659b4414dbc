/**
 * A small streaming XML scanner for the parts of an .xlsx: it reports tags and text as the chunks arrive and keeps
 * only an unfinished tag between chunks. It never expands anything: a DOCTYPE (where entities that multiply text
 * would be declared) is refused, and only the five predefined entities and character references are decoded, by
 * `decodeXml`, when a caller asks for a text. Namespace prefixes are dropped from names (`x:row` is `row`).
 */

export class XmlError extends Error {
  override name = 'XmlError'
}

export interface XmlHandler {
  /** An opening tag, its attributes as written (read them with `attribute`); `selfClosing` for `<c/>`. */
  open(name: string, attributes: string, selfClosing: boolean): void
  /** A closing tag, also sent after a self-closing one. */
  close(name: string): void
  /** Text between tags, undecoded (see `decodeXml`); a text split over two chunks comes in two calls. */
  text(raw: string): void
}

/** A tag, comment or CDATA section longer than this is damage (Excel's longest are a few hundred bytes). */
const MAX_PENDING = 1 << 20

const SPACE = 32
const TAB = 9
const LF = 10
const CR = 13
const SLASH = 47
const GT = 62
const QUOTE = 34
const APOSTROPHE = 39

const isSpace = (code: number) => code === SPACE || code === LF || code === CR || code === TAB

function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon === -1 ? name : name.slice(colon + 1)
}

export class XmlScanner {
  private pending = ''

  constructor(private readonly handler: XmlHandler) {}

  write(chunk: string): void {
    const text = this.pending ? this.pending + chunk : chunk
    const length = text.length
    const handler = this.handler
    let position = 0
    while (position < length) {
      const start = text.indexOf('<', position)
      if (start === -1) {
        handler.text(position === 0 ? text : text.slice(position))
        position = length
        break
      }
      if (start > position) handler.text(text.slice(position, start))
      position = start
      if (start + 1 >= length) break
      const next = text.charCodeAt(start + 1)
      if (next === 33 /* ! */) {
        if (text.startsWith('<!--', start)) {
          const end = text.indexOf('-->', start + 4)
          if (end === -1) break
          position = end + 3
          continue
        }
        if (text.startsWith('<![CDATA[', start)) {
          const end = text.indexOf(']]>', start + 9)
          if (end === -1) break
          // CDATA is literal: escaped so that `decodeXml` gives it back as written.
          handler.text(text.slice(start + 9, end).replace(/&/g, '&amp;'))
          position = end + 3
          continue
        }
        if (length - start < 9) break // too short yet to tell
        throw new XmlError('it holds a DOCTYPE or another declaration, which a workbook never needs')
      }
      if (next === 63 /* ? */) {
        const end = text.indexOf('?>', start + 2)
        if (end === -1) break
        position = end + 2
        continue
      }
      // A tag: the first `>` outside quoted attribute values ends it.
      let end = start + 1
      let quote = 0
      for (; end < length; end++) {
        const code = text.charCodeAt(end)
        if (quote) {
          if (code === quote) quote = 0
        } else if (code === GT) break
        else if (code === QUOTE || code === APOSTROPHE) quote = code
      }
      if (end >= length) break
      if (next === SLASH) {
        let nameEnd = end
        while (nameEnd > start + 2 && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd--
        handler.close(localName(text.slice(start + 2, nameEnd)))
      } else {
        const selfClosing = text.charCodeAt(end - 1) === SLASH
        const inner = selfClosing ? end - 1 : end
        let nameEnd = start + 1
        while (nameEnd < inner && !isSpace(text.charCodeAt(nameEnd))) nameEnd++
        const name = localName(text.slice(start + 1, nameEnd))
        if (name === '') throw new XmlError('a tag has no name')
        handler.open(name, nameEnd < inner ? text.slice(nameEnd, inner) : '', selfClosing)
        if (selfClosing) handler.close(name)
      }
      position = end + 1
    }
    this.pending = position < length ? text.slice(position) : ''
    if (this.pending.length > MAX_PENDING) throw new XmlError('a tag, comment or section never ends')
  }

  /** The input is over: an unfinished tag means it was cut short. */
  end(): void {
    if (this.pending.trim() !== '') throw new XmlError('it ends in the middle of a tag')
  }
}

/** The value of one attribute in `attributes` as `XmlHandler.open` gives them, decoded; undefined when absent. */
export function attribute(attributes: string, name: string): string | undefined {
  let from = 0
  for (;;) {
    const at = attributes.indexOf(name, from)
    if (at === -1) return undefined
    from = at + 1
    if (at > 0 && !isSpace(attributes.charCodeAt(at - 1))) continue
    let equals = at + name.length
    while (isSpace(attributes.charCodeAt(equals))) equals++
    if (attributes.charCodeAt(equals) !== 61 /* = */) continue
    let open = equals + 1
    while (isSpace(attributes.charCodeAt(open))) open++
    const quote = attributes[open]
    if (quote !== '"' && quote !== "'") return undefined
    const close = attributes.indexOf(quote, open + 1)
    if (close === -1) return undefined
    return decodeXml(attributes.slice(open + 1, close))
  }
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function fromCodePoint(code: number): string {
  // Code points XML does not allow (NUL, lone surrogates, beyond Unicode) read as the replacement character.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD'
  return String.fromCodePoint(code)
}

/** Text as written in XML → the text it stands for (predefined entities and character references only). */
export function decodeXml(raw: string): string {
  if (raw.indexOf('&') === -1) return raw
  return raw.replace(
    ENTITY,
    (whole, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
      if (named) return NAMED[named] ?? whole
      return fromCodePoint(decimal ? Number(decimal) : Number.parseInt(hex ?? '', 16))
    },
  )
}
