import { panelHeightFor, useTerminals } from './terminals-store';

const MIN_HEIGHT = 140;
// The page above keeps at least 40% of the window: toolbars and the form stay usable with the terminals open.
const maxHeight = () => Math.round(window.innerHeight * 0.6);
const clamp = (h: number) => Math.min(maxHeight(), Math.max(MIN_HEIGHT, Math.round(h)));

/** The panel's top edge: drag it, or focus it and use the arrow keys. */
export function PanelResizer() {
  const height = panelHeightFor(useTerminals((s) => s.panelHeight));
  const setHeight = useTerminals((s) => s.setPanelHeight);

  return (
    <div
      className="panel-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize terminals"
      aria-valuenow={height}
      aria-valuemin={MIN_HEIGHT}
      aria-valuemax={maxHeight()}
      tabIndex={0}
      onPointerDown={(e) => {
        const startY = e.clientY;
        const startHeight = height;
        const target = e.currentTarget;
        target.setPointerCapture(e.pointerId);
        const move = (ev: PointerEvent) => setHeight(clamp(startHeight + startY - ev.clientY));
        const up = () => {
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowUp') setHeight(clamp(height + 24));
        else if (e.key === 'ArrowDown') setHeight(clamp(height - 24));
        else return;
        e.preventDefault();
      }}
    />
  );
}
