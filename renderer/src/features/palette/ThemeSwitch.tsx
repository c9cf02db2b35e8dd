import { useId } from 'react';
import { useTheme } from '../../stores/theme-store';
import { THEME_CHOICES } from './theme-choices';
import '../../styles/palette.css';

/** System, light or dark, for the whole UI, the editor and the terminals; remembered (theme-store). */
export function ThemeSwitch() {
  const id = useId();
  const choice = useTheme((s) => s.choice);
  const choose = useTheme((s) => s.choose);
  return (
    <div className="theme-switch">
      <span id={id} className="theme-switch-label">Theme</span>
      <div className="segmented theme-segmented" role="radiogroup" aria-labelledby={id}>
        {THEME_CHOICES.map((o) => (
          <label key={o.choice} className={`segment${choice === o.choice ? ' segment-on' : ''}`}>
            <input type="radio" name={`${id}-theme`} value={o.choice} checked={choice === o.choice} onChange={() => choose(o.choice)} />
            {o.label}
          </label>
        ))}
      </div>
    </div>
  );
}
