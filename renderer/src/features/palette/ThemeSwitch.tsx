import { useId } from 'react';
import { useTheme, type ThemeChoice } from '../../stores/theme-store';
import '../../styles/palette.css';

const OPTIONS: { choice: ThemeChoice; label: string }[] = [
  { choice: 'system', label: 'System' },
  { choice: 'light', label: 'Light' },
  { choice: 'dark', label: 'Dark' },
];

/** System, light or dark, for the whole UI, the editor and the terminals; remembered (theme-store). */
export function ThemeSwitch() {
  const id = useId();
  const choice = useTheme((s) => s.choice);
  const choose = useTheme((s) => s.choose);
  return (
    <div className="theme-switch">
      <span id={id} className="theme-switch-label">Theme</span>
      <div className="segmented theme-segmented" role="radiogroup" aria-labelledby={id}>
        {OPTIONS.map((o) => (
          <label key={o.choice} className={`segment${choice === o.choice ? ' segment-on' : ''}`}>
            <input type="radio" name={`${id}-theme`} value={o.choice} checked={choice === o.choice} onChange={() => choose(o.choice)} />
            {o.label}
          </label>
        ))}
      </div>
    </div>
  );
}
