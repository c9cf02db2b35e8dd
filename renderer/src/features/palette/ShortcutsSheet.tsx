import { Fragment, useId } from 'react';
import { Dialog } from '../../components/Dialog';
import { SECTIONS, SHORTCUTS, type Shortcut } from './shortcuts';
import '../../styles/palette.css';

function Keys({ keys }: { keys: Shortcut['keys'] }) {
  return (
    <>
      {keys.map((combo, i) => (
        <span key={combo.join('+')} className="shortcut-combo">
          {i > 0 && <span className="shortcut-or">or</span>}
          {combo.map((k, j) => (
            <Fragment key={k}>
              {j > 0 && <span className="shortcut-plus">+</span>}
              <kbd>{k}</kbd>
            </Fragment>
          ))}
        </span>
      ))}
    </>
  );
}

/** `?`: every shortcut of the app, from the same table the keyboard hook matches (shortcuts.ts). */
export function ShortcutsSheet({ onClose }: { onClose(): void }) {
  const id = useId();
  return (
    <Dialog title="Keyboard shortcuts" onCancel={onClose} wide className="shortcuts-sheet">
      <div className="dialog-body shortcuts-body">
        {SECTIONS.map((section) => (
          <section key={section} aria-labelledby={`${id}-${section}`}>
            <h3 id={`${id}-${section}`}>{section}</h3>
            <dl className="shortcut-list">
              {SHORTCUTS.filter((s) => s.section === section).map((s) => (
                <div key={s.id} className="shortcut" data-shortcut={s.id}>
                  <dt><Keys keys={s.keys} /></dt>
                  <dd>{s.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <footer className="dialog-actions">
        <button type="button" className="button" autoFocus onClick={onClose}>Close</button>
      </footer>
    </Dialog>
  );
}
