import { create } from 'zustand';

/** Which of the two keyboard layers shows: the command palette, the shortcuts sheet, or neither. */
export type Layer = 'palette' | 'shortcuts' | null;

export const useLayer = create<{ shown: Layer; show(layer: Layer): void }>((set) => ({
  shown: null,
  show: (shown) => set({ shown }),
}));
