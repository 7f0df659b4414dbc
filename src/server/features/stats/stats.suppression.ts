/**
 * Suppression of small counts for viewers, primary and complementary (docs/decisions.md "Viewers see "< 5""). Pure:
 * no database; stats.service.ts describes each family of figures as a table and shows what this module decides.
 *
 * A table is counts by id and groups "total = sum of parts" (a total may have several breakdowns — calls by day and by
 * disposition —, a part may be the total of a finer breakdown; each count is a part of at most one group). A subset
 * shown with its superset (reached within attempted) is a group whose other part is implied: never shown, but the
 * difference anyone can take.
 *
 * What a viewer knows of a count: a number exactly; "< 5" that it is 0 to 4; "≥ 5" that it is 5 or more; an implied
 * count only that it is not negative. The rule: every count from 1 to 4 is shown "< 5" (primary suppression), then,
 * as long as one of them — or an implied count from 1 to 4 — has a single value consistent with what the answer shows,
 * the nearest count still shown (in the groups around it, the smallest first: a 0 becomes "< 5", a count of 5 or more
 * "≥ 5") is withheld too (complementary suppression). At the end every such count has at least two possible values.
 *
 * The values a count may take are computed exactly: the groups form a forest, and over a forest the integer values
 * consistent with sums of intervals are intervals (sums and intersections of integer intervals), found in two passes.
 */
import { type Count, SUPPRESSED, WITHHELD } from '../../../shared/contracts/stats.js'

export interface CountGroup {
  total: string
  parts: readonly string[]
}

/** A family of counts: the cells one answer shows, and how they add up. */
export class CountTable {
  readonly values = new Map<string, number>()
  readonly groups: CountGroup[] = []
  /** Counts that are never shown but follow from others (a total minus a subset). */
  readonly implied = new Set<string>()

  /** A count the answer shows. */
  add(id: string, value: number): this {
    if (!Number.isInteger(value) || value < 0) throw new Error(`count ${id} is not a whole number: ${value}`)
    if (this.values.has(id)) throw new Error(`count ${id} given twice`)
    this.values.set(id, value)
    return this
  }

  /** Adds the parts of a group: their ids and their sum. */
  private addParts(parts: Iterable<readonly [string, number]>) {
    const ids: string[] = []
    let sum = 0
    for (const [id, value] of parts) {
      this.add(id, value)
      ids.push(id)
      sum += value
    }
    return { ids, sum }
  }

  /** A breakdown of a total already added: its parts are added with it, and must add up to it. */
  breakdown(total: string, parts: Iterable<readonly [string, number]>): this {
    const { ids, sum } = this.addParts(parts)
    const expected = this.values.get(total)
    if (expected === undefined) throw new Error(`total ${total} is not in the table`)
    if (sum !== expected) throw new Error(`the breakdown of ${total} adds up to ${sum}, not ${expected}`)
    this.groups.push({ total, parts: ids })
    return this
  }

  /**
   * Counts that are disjoint subsets of `total` (already added), not all of it: they are added, and the rest,
   * `total − their sum`, is implied. (Fragility levels of the households reached: some have none.)
   */
  partial(total: string, parts: Iterable<readonly [string, number]>, rest: string): this {
    const { ids, sum } = this.addParts(parts)
    const whole = this.values.get(total)
    if (whole === undefined) throw new Error(`total ${total} is not in the table`)
    // More than the whole (never expected): the parts tie nothing.
    if (whole - sum < 0) return this
    this.values.set(rest, whole - sum)
    this.implied.add(rest)
    this.groups.push({ total, parts: [...ids, rest] })
    return this
  }

  /** `part` is a subset of `total` (both added): the rest, `total − part`, is implied. */
  subset(total: string, part: string, rest: string): this {
    const whole = this.values.get(total)
    const some = this.values.get(part)
    if (whole === undefined || some === undefined) throw new Error(`${total} or ${part} is not in the table`)
    const value = whole - some
    // A figure that is not a subset after all (never expected) ties nothing: no group.
    if (value < 0) return this
    this.values.set(rest, value)
    this.implied.add(rest)
    this.groups.push({ total, parts: [part, rest] })
    return this
  }
}

/** An integer interval; hi may be Infinity. */
export type Range = readonly [lo: number, hi: number]

const FULL: Range = [0, Number.POSITIVE_INFINITY]

/** What a viewer knows of one count from the way it is shown (undefined: implied, never shown). */
export function knownRange(shown: Count | undefined): Range {
  if (shown === undefined) return FULL
  if (shown === SUPPRESSED) return [0, 4]
  if (shown === WITHHELD) return [5, Number.POSITIVE_INFINITY]
  return [shown, shown]
}

const intersect = (a: Range, b: Range): Range => [Math.max(a[0], b[0]), Math.min(a[1], b[1])]

/** Sum of intervals, and the sum of all but one of them in O(1) each. */
function sums(ranges: readonly Range[]) {
  let lo = 0
  let finiteHi = 0
  let infinite = 0
  for (const [l, h] of ranges) {
    lo += l
    if (h === Number.POSITIVE_INFINITY) infinite++
    else finiteHi += h
  }
  const total: Range = [lo, infinite ? Number.POSITIVE_INFINITY : finiteHi]
  const without = (range: Range): Range => {
    const isInfinite = range[1] === Number.POSITIVE_INFINITY
    const others = infinite - (isInfinite ? 1 : 0)
    return [lo - range[0], others ? Number.POSITIVE_INFINITY : finiteHi - (isInfinite ? 0 : range[1])]
  }
  return { total, without }
}

/**
 * The values each count may take given what the viewer knows of every count (`known`) and the groups: exact over a
 * forest of groups. Throws if a count is a part of two groups or the groups form a cycle (not a forest).
 */
export function feasibleRanges(
  ids: Iterable<string>,
  groups: readonly CountGroup[],
  known: (id: string) => Range,
): Map<string, Range> {
  const parentGroup = new Map<string, number>()
  const childGroups = new Map<string, number[]>()
  groups.forEach((group, index) => {
    for (const part of group.parts) {
      if (parentGroup.has(part)) throw new Error(`count ${part} is a part of two groups`)
      parentGroup.set(part, index)
    }
    childGroups.set(group.total, [...(childGroups.get(group.total) ?? []), index])
  })
  const all = [...ids]

  // Bottom up: the values of each count consistent with the counts below it.
  const below = new Map<string, Range>()
  const visiting = new Set<string>()
  const up = (id: string): Range => {
    const done = below.get(id)
    if (done) return done
    if (visiting.has(id)) throw new Error(`the groups form a cycle through ${id}`)
    visiting.add(id)
    let range = known(id)
    for (const index of childGroups.get(id) ?? []) range = intersect(range, sums(groups[index]!.parts.map(up)).total)
    visiting.delete(id)
    below.set(id, range)
    return range
  }
  for (const id of all) up(id)

  // Top down: what the rest of the table allows each count, from its total and its siblings.
  const result = new Map<string, Range>()
  const down = (id: string, above: Range) => {
    const own = intersect(below.get(id)!, above)
    result.set(id, own)
    const children = childGroups.get(id) ?? []
    children.forEach((index) => {
      let allowed = intersect(known(id), above)
      for (const other of children) {
        if (other !== index) allowed = intersect(allowed, sums(groups[other]!.parts.map((p) => below.get(p)!)).total)
      }
      const parts = groups[index]!.parts
      const { without } = sums(parts.map((p) => below.get(p)!))
      for (const part of parts) {
        const siblings = without(below.get(part)!)
        down(part, [Math.max(0, allowed[0] - siblings[1]), allowed[1] - siblings[0]])
      }
    })
  }
  for (const id of all) if (!parentGroup.has(id)) down(id, FULL)
  if (result.size !== below.size) throw new Error('the groups form a cycle')
  return result
}

/** What a viewer is shown of a table. */
export interface Protected {
  /** The count as shown: exact, "< 5" or "≥ 5". */
  count(id: string): Count
  /** Whether the count is withheld ("< 5" or "≥ 5"): figures derived from it are withheld too. */
  hidden(id: string): boolean
  /** Every shown count, by id (implied counts are not in it). */
  readonly shown: ReadonlyMap<string, Count>
}

/** The counts exactly, for readers who see them so. */
export function exact(table: CountTable): Protected {
  return fromShown(new Map(table.values))
}

function fromShown(shown: Map<string, Count>): Protected {
  return {
    shown,
    count(id) {
      const value = shown.get(id)
      if (value === undefined) throw new Error(`count ${id} is not in the table`)
      return value
    },
    hidden(id) {
      return typeof shown.get(id) !== 'number'
    },
  }
}

const isSmall = (value: number) => value > 0 && value < 5

/** Primary then complementary suppression of a table, for a viewer (see the module's comment). */
export function protect(table: CountTable): Protected {
  const shown = new Map<string, Count>()
  for (const [id, value] of table.values) {
    if (!table.implied.has(id)) shown.set(id, isSmall(value) ? SUPPRESSED : value)
  }
  const ids = [...table.values.keys()]
  const order = new Map(ids.map((id, index) => [id, index]))
  const sensitive = ids.filter((id) => isSmall(table.values.get(id)!))
  // The groups each count is in, as total or part: its neighbours are the other members of those groups.
  const members = table.groups.map((group) => [group.total, ...group.parts])
  const groupsOf = new Map<string, number[]>()
  members.forEach((list, index) => {
    for (const member of list) groupsOf.set(member, [...(groupsOf.get(member) ?? []), index])
  })
  const neighbours = (id: string) => (groupsOf.get(id) ?? []).flatMap((index) => members[index]!)

  for (;;) {
    const ranges = feasibleRanges(ids, table.groups, (id) => knownRange(shown.get(id)))
    const pinned = sensitive.find((id) => {
      const [lo, hi] = ranges.get(id)!
      return lo >= hi
    })
    if (pinned === undefined) break
    const next = nearestShown(pinned, neighbours, shown, table, order)
    // Nothing left to withhold (cannot happen once every count is withheld: no exact figure is left to pin one).
    if (next === undefined) throw new Error(`count ${pinned} cannot be protected`)
    shown.set(next, table.values.get(next)! === 0 ? SUPPRESSED : WITHHELD)
  }
  return fromShown(shown)
}

/** The count still shown nearest to `start` through the groups: the smallest in the nearest ring, then the first. */
function nearestShown(
  start: string,
  neighbours: (id: string) => readonly string[],
  shown: ReadonlyMap<string, Count>,
  table: CountTable,
  order: ReadonlyMap<string, number>,
): string | undefined {
  const seen = new Set([start])
  let ring = [start]
  while (ring.length) {
    const next: string[] = []
    for (const id of ring) {
      for (const other of neighbours(id)) {
        if (seen.has(other)) continue
        seen.add(other)
        next.push(other)
      }
    }
    const candidates = next.filter((id) => typeof shown.get(id) === 'number')
    if (candidates.length) {
      return candidates.sort((a, b) => table.values.get(a)! - table.values.get(b)! || order.get(a)! - order.get(b)!)[0]
    }
    ring = next
  }
  return undefined
}
