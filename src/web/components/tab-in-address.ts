import { useSearchParams } from 'react-router'

/**
 * A page's tabs kept in the address (`?tab=`): a link can open one, and reload or back returns to it. A value that is
 * not one of `tabs` (an old link, a tab this page does not show now) opens `fallback`. Switching tabs replaces the
 * address rather than adding to the history, and keeps the page's other parameters.
 */
export function useTabInAddress<T extends string>(
  tabs: readonly T[],
  fallback: T,
): [T, (value: string | null) => void] {
  const [searchParams, setSearchParams] = useSearchParams()
  const asked = searchParams.get('tab')
  const tab = tabs.includes(asked as T) ? (asked as T) : fallback
  const choose = (value: string | null) => {
    if (!value) return
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current)
        next.set('tab', value)
        return next
      },
      { replace: true },
    )
  }
  return [tab, choose]
}
