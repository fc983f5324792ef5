/**
 * Debian's Chromium, as the browser tests and the web budget launch it (Playwright's own download
 * cannot work here): one place for the binary and its flags.
 */
export const CHROMIUM = process.env.SHOP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
