// The message trace of one Call-ID on a tenant's page: each message in order (when, which way, between
// which addresses, on which version) and its text with credentials redacted. The text is whatever the
// peers sent: it is escaped like every other string.
import { html } from 'hono/html';
import type { TracedMessage } from '../trace-routes.ts';
import type { Markup } from './views.ts';

/** What the trace form asked for and what was found (or why nothing can be). */
export type TraceOutcome =
  | { readonly kind: 'messages'; readonly callId: string; readonly messages: readonly TracedMessage[] }
  | { readonly kind: 'refused'; readonly reason: string };

export function traceView(outcome: TraceOutcome): Markup {
  if (outcome.kind === 'refused')
    return html`<p id="trace-result" class="notice error">${outcome.reason}</p>`;
  const { callId, messages } = outcome;
  if (messages.length === 0)
    return html`<p id="trace-result">No traced message has the Call-ID <code>${callId}</code> (the trace keeps
the recent messages of traced tenants: config <code>trace.scope</code>, <code>trace.ring_size</code>).</p>`;
  return html`<div id="trace-result">
<p>${messages.length} messages of <code>${callId}</code>, oldest first.</p>
<ol class="trace">
${messages.map(
  (m) => html`<li class="traced ${m.direction}">
<p><strong>${m.direction === 'in' ? 'received' : 'sent'}</strong> ${m.time} ${m.direction === 'in' ? `${m.remote} → ${m.local}` : `${m.local} → ${m.remote}`}${m.version === undefined ? '' : ` (v${m.version})`}: <code class="first-line">${m.firstLine}</code></p>
<pre>${m.text}</pre>
</li>`,
)}
</ol>
</div>`;
}
