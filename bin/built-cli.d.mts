// Types for bin/built-cli.mjs, which stays plain JavaScript so bin/berth.mjs starts without TypeScript.
export declare const REPO_ROOT: string;
export declare const CLI_OUT_DIR: string;
export declare const CLI_ENTRY: string;
export declare const CLI_MANIFEST: string;
export declare function builtCliState(root?: string): { fresh: true; entry: string } | { fresh: false; reason: string };
