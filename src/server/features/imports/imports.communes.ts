import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { officialCommunes } from '../../communes.js'

interface CommuneEntry {
  inseeCode: string
  name: string
  key: string
}

interface FormerCommune {
  code: string
  nom: string
  type: string
  chefLieu?: string
}

/**
 * "ST-DIE-DES-VOSGES", "Saint Dié des Vosges", "saint-dié-des-vosges CEDEX 1" and "DIE DES VOSGES (ST)" all give the
 * same key: case, accents, hyphens, spaces and punctuation ignored; ST/STE written out; S/ read as "sur"; a CEDEX
 * suffix dropped; an article in parentheses at the end put back in front ("HAVRE (LE)").
 */
export function communeKey(name: string): string {
  let text = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/Œ/g, 'OE')
    .replace(/\s+CEDEX\b.*$/, '')
  const article = /^(.*?)\s*\((LE|LA|LES|L'|L’|ST|STE|SAINT|SAINTE)\)\s*$/.exec(text)
  if (article) text = `${article[2]} ${article[1]}`
  return text
    .replace(/\bS\//g, 'SUR ')
    .replace(/\bSTE\b/g, 'SAINTE')
    .replace(/\bST\b/g, 'SAINT')
    .replace(/[^A-Z0-9]+/g, '')
}

let byPostcode: Map<string, CommuneEntry[]> | undefined

/** Current communes by postcode, built once from the shared loader (which parses Etalab's file on first use). */
function communesByPostcode(): Map<string, CommuneEntry[]> {
  if (byPostcode) return byPostcode
  const index = new Map<string, CommuneEntry[]>()
  for (const commune of officialCommunes()) {
    if (commune.type !== 'commune-actuelle') continue
    const entry = { inseeCode: commune.code, name: commune.nom, key: communeKey(commune.nom) }
    for (const postcode of commune.codesPostaux ?? []) {
      const list = index.get(postcode)
      if (list) list.push(entry)
      else index.set(postcode, [entry])
    }
  }
  byPostcode = index
  return index
}

let formerNames: Map<string, string[]> | undefined

/**
 * Keys of the former communes merged into each current one (communes déléguées and associées, by the current
 * commune's INSEE code). The shared loader keeps current communes only, so this reads Etalab's file once more, and
 * only when a name matches no current commune: addresses written with a pre-merger name are common in rural files.
 */
function formerNamesByCommune(): Map<string, string[]> {
  if (formerNames) return formerNames
  const path = createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json')
  const index = new Map<string, string[]>()
  for (const commune of JSON.parse(readFileSync(path, 'utf8')) as FormerCommune[]) {
    if ((commune.type === 'commune-deleguee' || commune.type === 'commune-associee') && commune.chefLieu) {
      const names = index.get(commune.chefLieu)
      if (names) names.push(communeKey(commune.nom))
      else index.set(commune.chefLieu, [communeKey(commune.nom)])
    }
  }
  formerNames = index
  return index
}

/** A postcode some commune has (La Poste's codes as Etalab publishes them; CEDEX codes are not among them). */
export function isKnownPostcode(postcode: string): boolean {
  return communesByPostcode().has(postcode)
}

export type AddressCheck =
  | {
      ok: true
      inseeCode: string
      /** The official name. */
      city: string
      postcode: string
      /** False when the name given matched none and the postcode's only commune was taken instead. */
      isCityMatched: boolean
    }
  | { ok: false; message: string; column: 'postcode' | 'city' }

/** "no commune "X" with postcode N": a phrase the web app recognises and translates (imports/explain.ts). */
export const noCommuneMessage = (city: string, postcode: string) => `no commune "${city}" with postcode ${postcode}`

const checked = new Map<string, AddressCheck>()
const MAX_REMEMBERED = 100_000
const FOUR_DIGITS = /^\d{4}$/
const FIVE_DIGITS = /^\d{5}$/

/**
 * Checks a postcode and commune against the official communes (messages are fixed phrases the web app translates;
 * the warning carries the value). The commune whose name (or former name, before a
 * merger) matches among those with the postcode gives the INSEE code and the official name; when the name matches
 * none but the postcode has a single commune, that commune is taken (a misspelt city); otherwise a message says
 * what is wrong. A 4-digit postcode gets its lost leading zero back when that makes a known postcode. Results are
 * remembered: a file repeats the same few hundred postcode/city pairs.
 */
export function checkAddress(rawPostcode: string, rawCity: string): AddressCheck {
  const memoKey = `${rawPostcode}\u0000${rawCity}`
  const known = checked.get(memoKey)
  if (known) return known
  const result = lookUp(rawPostcode, rawCity)
  if (checked.size >= MAX_REMEMBERED) checked.clear()
  checked.set(memoKey, result)
  return result
}

function lookUp(rawPostcode: string, rawCity: string): AddressCheck {
  const index = communesByPostcode()
  let postcode = rawPostcode.replace(/\s+/g, '')
  if (FOUR_DIGITS.test(postcode)) {
    if (!index.has(`0${postcode}`)) return { ok: false, message: 'unknown postcode', column: 'postcode' }
    postcode = `0${postcode}`
  }
  if (!FIVE_DIGITS.test(postcode))
    return { ok: false, message: 'not a postcode (5 digits expected)', column: 'postcode' }
  const candidates = index.get(postcode)
  if (!candidates) return { ok: false, message: 'unknown postcode', column: 'postcode' }
  const key = communeKey(rawCity)
  const found = key
    ? (candidates.find((candidate) => candidate.key === key) ??
      candidates.find((candidate) => formerNamesByCommune().get(candidate.inseeCode)?.includes(key)))
    : undefined
  if (found) return { ok: true, inseeCode: found.inseeCode, city: found.name, postcode, isCityMatched: true }
  if (candidates.length === 1) {
    const [only] = candidates
    return { ok: true, inseeCode: only.inseeCode, city: only.name, postcode, isCityMatched: false }
  }
  const names = candidates.map((candidate) => candidate.name)
  const listed = names.length > 6 ? `${names.slice(0, 6).join(', ')}…` : names.join(', ')
  return {
    ok: false,
    message: rawCity.trim()
      ? noCommuneMessage(rawCity.trim(), postcode)
      : `no commune given, and postcode ${postcode} has several (${listed})`,
    column: 'city',
  }
}
