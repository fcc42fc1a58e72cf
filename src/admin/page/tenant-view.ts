// One tenant's page: its versions with their state and who deployed them, activate and rollback buttons,
// the upload form and its validation result, the activation history, the live counters and the recent
// failures (circuit breaker, failed invocations per loaded version, failures by cause).
import { html } from 'hono/html';
import type { ActivationRecord, TenantStatus, VersionInfo } from '../../registry/index.ts';
import type { TenantMetricRow } from '../metrics.ts';
import type { Session } from './session.ts';
import { layout, type Markup, type Notice, noticeView, tenantUrl } from './views.ts';

export interface TenantPageData {
  readonly status: TenantStatus;
  readonly versions: readonly VersionInfo[];
  readonly activations: readonly ActivationRecord[];
  readonly counters: readonly TenantMetricRow[];
  readonly notice?: Notice;
  /** The trace of the Call-ID the trace form asked for (trace-view.ts). */
  readonly trace?: Markup;
}

export function tenantPage(session: Session, data: TenantPageData): Markup {
  const { status } = data;
  const t = status.tenant;
  return layout(
    `Tenant ${t}`,
    html`${noticeView(data.notice)}
<section id="summary">
<p>Active: <strong id="active-version">${status.active === undefined ? 'none' : `v${status.active}`}</strong>
${status.activatedAt ? html` since ${status.activatedAt} by ${status.activatedBy} (${status.activationKind})` : ''}</p>
<form class="inline" method="post" action="${tenantUrl(t, '/rollback')}">
<input type="hidden" name="csrf" value="${session.csrf}">
<button type="submit" id="rollback">Roll back</button>
</form>
</section>
<section>
<h2>Versions</h2>
${versionsTable(session, t, data.versions)}
</section>
<section>
<h2>Upload a version</h2>
<form method="post" action="${tenantUrl(t, '/versions')}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${session.csrf}">
<input type="file" name="wasm" id="wasm" accept=".wasm,application/wasm" required>
<label><input type="checkbox" name="activate" value="1" id="upload-activate"> activate</label>
<button type="submit" id="upload">Upload</button>
</form>
</section>
<section>
<h2>Live counters</h2>
<div id="counters" data-src="${tenantUrl(t, '/counters')}">${countersFragment(data.counters)}</div>
</section>
<section>
<h2>Recent failures</h2>
${failuresView(status)}
</section>
<section>
<h2>Activations</h2>
${activationsTable(data.activations)}
</section>
<section>
<h2>Message trace</h2>
<form method="get" action="${tenantUrl(t, '/trace')}">
<label>Call-ID <input type="text" name="call_id" id="call-id" required></label>
<button type="submit" id="trace">Show</button>
</form>
${data.trace ?? ''}
</section>`,
    session,
  );
}

function versionsTable(session: Session, tenant: string, versions: readonly VersionInfo[]): Markup {
  return html`<table id="versions">
<thead><tr><th>version</th><th>state</th><th>world</th><th>size</th><th>sha256</th><th>deployed</th><th>by</th><th></th></tr></thead>
<tbody>
${versions.map(
  (v) => html`<tr data-version="${v.version}" class="${v.active ? 'active' : ''}">
<td>v${v.version}</td>
<td class="state">${versionState(v)}</td>
<td>${v.world}</td>
<td>${v.size}</td>
<td><code>${v.sha256.slice(0, 16)}</code></td>
<td>${v.createdAt}</td>
<td class="by">${v.createdBy}</td>
<td>${
    v.active || v.state !== 'ready'
      ? ''
      : html`<form class="inline" method="post" action="${tenantUrl(tenant, '/activate')}">
<input type="hidden" name="csrf" value="${session.csrf}">
<input type="hidden" name="version" value="${v.version}">
<button type="submit" class="activate">Activate</button>
</form>`
  }</td>
</tr>`,
)}
</tbody>
</table>`;
}

function versionState(v: VersionInfo): string {
  if (v.state === 'corrupt') return `corrupt: ${v.problem ?? ''}`;
  const parts = [v.active ? 'active' : v.loaded ? 'loaded' : 'stored'];
  if (v.pins > 0) parts.push(`${v.pins} pins`);
  return parts.join(', ');
}

/** The tenant's counters and gauges, one row per metric and label set (the client refreshes it). */
export function countersFragment(rows: readonly TenantMetricRow[]): Markup {
  if (rows.length === 0) return html`<p>Nothing counted yet.</p>`;
  return html`<table>
<thead><tr><th>metric</th><th>labels</th><th>value</th></tr></thead>
<tbody>
${rows.map(
  (r) => html`<tr data-metric="${r.name}">
<td>${r.name}</td>
<td>${Object.entries(r.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}</td>
<td class="value">${r.value}</td>
</tr>`,
)}
</tbody>
</table>`;
}

function failuresView(status: TenantStatus): Markup {
  const b = status.breaker;
  return html`<p>Circuit breaker: <strong>${b.state}</strong>${
    b.state === 'off' ? '' : `, ${b.recent} of ${b.failures} failures within ${b.windowS} s`
  }; failed invocations of inactive versions: ${status.inactiveFailures}.</p>
<table id="loaded">
<thead><tr><th>loaded</th><th>invocations</th><th>failures</th><th>pins</th><th>since</th></tr></thead>
<tbody>
${status.loaded.map(
  (l) => html`<tr><td>v${l.version}${l.revoked ? ' (revoked)' : l.standby ? ' (standby)' : ''}</td>
<td>${l.invocations}</td><td>${l.failures}</td><td>${l.pins}</td><td>${l.loadedAt}</td></tr>`,
)}
</tbody>
</table>
${
  b.tripped.length === 0
    ? ''
    : html`<table id="trips">
<thead><tr><th>tripped on</th><th>at</th><th>cause</th></tr></thead>
<tbody>${b.tripped.map((tr) => html`<tr><td>v${tr.version}</td><td>${tr.at}</td><td>${tr.cause}</td></tr>`)}</tbody>
</table>`
}`;
}

function activationsTable(activations: readonly ActivationRecord[]): Markup {
  return html`<table id="activations">
<thead><tr><th>at</th><th>kind</th><th>version</th><th>previous</th><th>by</th></tr></thead>
<tbody>
${activations.map(
  (a) => html`<tr><td>${a.at}</td><td>${a.kind}</td><td>v${a.version}</td>
<td>${a.previous === undefined ? '' : `activation ${a.previous}`}</td><td>${a.by}</td></tr>`,
)}
</tbody>
</table>`;
}
