import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/**
 * Runs axe-core on what the page shows now and fails on any serious or critical violation, listing each with the
 * elements it found (minor and moderate ones are reported by axe too, but are not a gate). `screen` names the
 * screen in the failure. Excluded: nothing but xterm's and Monaco's own helper textareas, which are third-party
 * widgets with their own accessibility modes (xterm screenReaderMode, Monaco's accessibility support).
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join('; ')}`).join('\n')}`);
  expect(blocking, `axe on ${screen}`).toEqual([]);
}
