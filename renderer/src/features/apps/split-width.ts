/** The form/preview split of the Apps page: its limits and the width the user last chose, kept across reloads. */
export const FORM_MIN_PX = 280;
export const PREVIEW_MIN_PX = 360;
export const HANDLE_PX = 6;
const KEY = 'berth.apps.formFraction';
const DEFAULT_FRACTION = 0.45;

/** The form's share of the split, as stored; a missing or unreadable value gives the default. */
export function storedFraction(): number {
  const value = Number(localStorage.getItem(KEY));
  return Number.isFinite(value) && value > 0 && value < 1 ? value : DEFAULT_FRACTION;
}

export function storeFraction(fraction: number): void {
  localStorage.setItem(KEY, fraction.toFixed(4));
}

/**
 * The form's width in pixels for a split `total` pixels wide: the chosen share, kept so that both panes get at
 * least their minimum. When the split cannot hold both minimums the preview keeps its own (the YAML is what gets
 * cut off first otherwise) and the form takes what is left, but never less than its minimum.
 */
export function formWidth(fraction: number, total: number): number {
  const max = Math.max(FORM_MIN_PX, total - HANDLE_PX - PREVIEW_MIN_PX);
  return Math.round(Math.min(max, Math.max(FORM_MIN_PX, fraction * total)));
}
