import { useCallback, useEffect, useRef, type FocusEvent, type RefObject } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range, type VirtualItem } from '@tanstack/react-virtual';

const indexOf = (el: Element | null) => {
  const row = el?.closest<HTMLElement>('[data-index]');
  return row ? Number(row.dataset.index) : null;
};

/** What a drawn row of a virtual list carries: spread it onto the row's element. */
export interface VirtualRowProps {
  'data-index': number;
  ref: (node: Element | null) => void;
  'aria-setsize': number;
  'aria-posinset': number;
  style: { transform: string };
}

/**
 * A long list drawn in its own scroll box: only the rows in view, and
 * `overscan` rows either side, are in the DOM, each measured once drawn (rows
 * may wrap or grow). The row holding focus stays drawn while it is scrolled
 * away, so focus never falls back to the page; `focusRow` scrolls to any row
 * and focuses its first button once it is drawn. Each row says its place in
 * the whole list (aria-posinset of aria-setsize), since only some exist.
 */
export function useVirtualRows({ count, estimatePx, gapPx, overscan, rowKey, scrollRef, topOn }: {
  count: number;
  estimatePx: number;
  gapPx: number;
  overscan: number;
  rowKey(index: number): string;
  scrollRef: RefObject<HTMLElement | null>;
  /** The list goes back to its top when this changes (a new filter: its first matches, not the old scroll position). */
  topOn?: unknown;
}) {
  const focused = useRef<number | null>(null);
  const pendingFocus = useRef<number | null>(null);
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    const keep = focused.current;
    if (keep === null || keep >= range.count || indexes.includes(keep)) return indexes;
    return [...indexes, keep].sort((a, b) => a - b);
  }, []);
  // No React Compiler here (the lint rule only warns of it); the rows re-render from the virtualizer's own updates.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimatePx,
    gap: gapPx,
    overscan,
    getItemKey: rowKey,
    rangeExtractor,
  });

  /** Brings a row into view, scrolling only as far as needed; a row in full view is left alone (no forced layout). */
  const scrollTo = useCallback((index: number) => {
    const item = virtualizer.getVirtualItems().find((i) => i.index === index);
    const top = virtualizer.scrollOffset ?? 0;
    const bottom = top + (virtualizer.scrollRect?.height ?? 0);
    if (item && item.start >= top && item.end <= bottom) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [virtualizer]);

  const buttonAt = useCallback((index: number) => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] button`) ?? null, [scrollRef]);
  /** Scrolls to a row and focuses its first button, now if it is drawn, else on the render that draws it. */
  const focusRow = useCallback((index: number) => {
    scrollTo(index);
    const button = buttonAt(index);
    if (button) button.focus();
    else pendingFocus.current = index;
  }, [scrollTo, buttonAt]);
  useEffect(() => {
    if (pendingFocus.current === null) return;
    const button = buttonAt(pendingFocus.current);
    if (!button) return;
    pendingFocus.current = null;
    button.focus();
  });

  const topFor = useRef(topOn);
  useEffect(() => {
    if (Object.is(topFor.current, topOn)) return;
    topFor.current = topOn;
    virtualizer.scrollToOffset(0);
  }, [topOn, virtualizer]);

  return {
    items: virtualizer.getVirtualItems(),
    totalPx: virtualizer.getTotalSize(),
    scrollTo,
    focusRow,
    /** For the element around the rows: keeps track of which row holds focus. */
    containerProps: {
      onFocus: (e: FocusEvent) => {
        focused.current = indexOf(e.target);
      },
      onBlur: (e: FocusEvent) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) focused.current = null;
      },
    },
    /** For each drawn row: where it goes, its measuring ref, and its place in the list. */
    rowProps: (item: VirtualItem): VirtualRowProps => ({
      'data-index': item.index,
      ref: virtualizer.measureElement,
      'aria-setsize': count,
      'aria-posinset': item.index + 1,
      style: { transform: `translateY(${item.start}px)` },
    }),
  };
}
