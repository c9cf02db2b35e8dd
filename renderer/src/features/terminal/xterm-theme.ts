import type { ITheme } from '@xterm/xterm';

const dark: ITheme = {
  background: '#111318',
  foreground: '#d8dce3',
  cursor: '#8fb3ff',
  cursorAccent: '#111318',
  selectionBackground: '#33405a',
  black: '#1b1e24',
  red: '#ef7a7a',
  green: '#8fd18f',
  yellow: '#e6c86e',
  blue: '#7fa8f5',
  magenta: '#c69cf0',
  cyan: '#72cfd6',
  white: '#d8dce3',
  brightBlack: '#5c6370',
  brightRed: '#ff9a9a',
  brightGreen: '#a8e6a8',
  brightYellow: '#f2da8c',
  brightBlue: '#9dbdfa',
  brightMagenta: '#d7b6f7',
  brightCyan: '#95e0e6',
  brightWhite: '#f4f6f9',
};

const light: ITheme = {
  background: '#fbfbfc',
  foreground: '#24292f',
  cursor: '#2f6fdf',
  cursorAccent: '#fbfbfc',
  selectionBackground: '#cfdcf5',
  black: '#24292f',
  red: '#c53030',
  green: '#2f7d32',
  yellow: '#8a6d00',
  blue: '#2f5fc4',
  magenta: '#8542b5',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#d64545',
  brightGreen: '#3a913d',
  brightYellow: '#a37f00',
  brightBlue: '#3b71d9',
  brightMagenta: '#9a5bcc',
  brightCyan: '#228f96',
  brightWhite: '#8c959f',
};

export const darkScheme = () => window.matchMedia('(prefers-color-scheme: dark)');
export const themeFor = (isDark: boolean): ITheme => (isDark ? dark : light);
