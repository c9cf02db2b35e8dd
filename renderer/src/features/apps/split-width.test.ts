import { describe, expect, it } from 'vitest';
import { FORM_MIN_PX, HANDLE_PX, PREVIEW_MIN_PX, formWidth } from './split-width';

describe('formWidth', () => {
  it('gives the chosen share when both panes keep their minimum', () => {
    expect(formWidth(0.5, 1200)).toBe(600);
  });

  it('keeps the preview at its minimum, then the form at its own', () => {
    expect(formWidth(0.9, 1200)).toBe(1200 - HANDLE_PX - PREVIEW_MIN_PX);
    expect(formWidth(0.05, 1200)).toBe(FORM_MIN_PX);
    // Too narrow for both: the form keeps its minimum.
    expect(formWidth(0.5, 500)).toBe(FORM_MIN_PX);
  });
});
