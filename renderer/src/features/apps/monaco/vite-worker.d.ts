/// <reference types="vite/client" />

/** Untyped in monaco-editor; imported only for its side effects (see monaco-setup.ts). */
declare module 'monaco-editor/languages/features/json/jsonMode';
