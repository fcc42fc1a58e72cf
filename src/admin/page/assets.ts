// The page's one style sheet and one script, served from the page's own paths: the Content-Security-Policy
// allows no inline script or style, so markup that slipped through escaping could still run nothing.

export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem; color: #222; }
header { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
header h1 { font-size: 1.2rem; margin: .6rem 0; }
header .who { margin-left: auto; color: #555; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #eee; vertical-align: top; }
code, pre { font: 12px/1.3 ui-monospace, monospace; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.notice { padding: .5rem .8rem; margin: .5rem 0 1rem; border-radius: 4px; }
.notice.ok { background: #e6f4e6; }
.notice.error { background: #fbe4e4; }
.active { font-weight: bold; }
form.inline { display: inline; }
section { margin-bottom: 1.5rem; }
`;

/** Refreshes the live counters (a fragment the server renders, escaped like the rest) every 2 s. */
export const SCRIPT = `
const box = document.getElementById('counters');
if (box && box.dataset.src) {
  setInterval(async () => {
    const res = await fetch(box.dataset.src, { credentials: 'same-origin' });
    // Redirected: the log-in ended (the answer is the log-in page, not counters).
    if (res.ok && !res.redirected) box.innerHTML = await res.text();
  }, 2000);
}
`;

/** Headers of every page answer: no framing, no inline code, no caching of tenant data. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: with it a browser sends `Origin: null` on the page's own forms, which the origin check refuses.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
