/** Debian's Chromium and the flags every browser run here uses: no sandbox (root, containers), no GPU, nothing fetched. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
