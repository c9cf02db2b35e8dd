import { type RefObject } from 'react';
import { FORM_MIN_PX, PREVIEW_MIN_PX, formWidth } from './split-width';

const STEP = 0.03;

/**
 * The handle between the form and the preview: drag it, or focus it and use the arrow keys (Home and End go to the
 * limits). It reports the form's new share of the split; the parent clamps, applies and stores it.
 */
export function SplitResizer({ split, fraction, onChange, controls }: {
  split: RefObject<HTMLElement | null>;
  fraction: number;
  onChange(fraction: number): void;
  /** The id of the form pane, which this handle resizes. */
  controls: string;
}) {
  const total = () => split.current?.getBoundingClientRect().width ?? 0;
  // What the handle shows and reports is the width actually applied, so the keys never step inside a dead zone.
  const applied = (f: number) => {
    const width = total();
    return width > 0 ? formWidth(f, width) / width : f;
  };
  const percent = Math.round(applied(fraction) * 100);

  return (
    <div
      className="apps-split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the form and the preview"
      aria-controls={controls}
      aria-valuenow={percent}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuetext={`form ${percent}% of the width (at least ${FORM_MIN_PX} px, preview at least ${PREVIEW_MIN_PX} px)`}
      tabIndex={0}
      onPointerDown={(e) => {
        const left = split.current?.getBoundingClientRect().left ?? 0;
        const target = e.currentTarget;
        target.setPointerCapture(e.pointerId);
        const move = (ev: PointerEvent) => {
          const width = total();
          if (width > 0) onChange(applied((ev.clientX - left) / width));
        };
        const up = () => {
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        const now = applied(fraction);
        const next = e.key === 'ArrowLeft' ? now - STEP : e.key === 'ArrowRight' ? now + STEP : e.key === 'Home' ? 0 : e.key === 'End' ? 1 : null;
        if (next === null) return;
        e.preventDefault();
        onChange(applied(next));
      }}
    />
  );
}
