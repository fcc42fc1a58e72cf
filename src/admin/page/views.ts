// The page's frame and its small pages (log-in, tenants list, an error), as hono/html templates: every
// interpolated string is HTML-escaped; markup is only ever what these templates write.
import { html } from 'hono/html';
import type { TenantStatus } from '../../registry/index.ts';
import { principalName } from '../tokens.ts';
import { PAGE_PATH, type Session } from './session.ts';

export type Markup = ReturnType<typeof html>;

/** A message at the top of a page: what an action did, or why it was refused. */
export interface Notice {
  readonly kind: 'ok' | 'error';
  readonly title: string;
  readonly lines?: readonly string[];
}

export function tenantUrl(tenant: string, rest = ''): string {
  return `${PAGE_PATH}/tenants/${encodeURIComponent(tenant)}${rest}`;
}

export function layout(title: string, body: Markup, session?: Session): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title} · kemi-wasm admin</title>
<link rel="stylesheet" href="${PAGE_PATH}/app.css">
<script src="${PAGE_PATH}/app.js" defer></script>
</head>
<body>
<header>
<h1><a href="${PAGE_PATH}">kemi-wasm</a></h1>
<span>${title}</span>
${
  session
    ? html`<span class="who">${principalName(session.principal)}</span>
<form class="inline" method="post" action="${PAGE_PATH}/logout">
<input type="hidden" name="csrf" value="${session.csrf}">
<button type="submit">Log out</button>
</form>`
    : ''
}
</header>
${body}
</body>
</html>`;
}

export function noticeView(notice: Notice | undefined): Markup | string {
  if (!notice) return '';
  return html`<div class="notice ${notice.kind}" id="notice" role="status">
<strong>${notice.title}</strong>
${notice.lines?.length ? html`<ul>${notice.lines.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
</div>`;
}

export function loginPage(problem?: string): Markup {
  return layout(
    'Log in',
    html`${noticeView(problem ? { kind: 'error', title: problem } : undefined)}
<form method="post" action="${PAGE_PATH}/login">
<p><label>Token <input type="password" name="token" id="token" autocomplete="current-password" required></label></p>
<p>The operator token shows every tenant; a tenant's token shows that tenant only.</p>
<button type="submit" id="login">Log in</button>
</form>`,
  );
}

export function tenantsPage(session: Session, tenants: readonly TenantStatus[]): Markup {
  return layout(
    'Tenants',
    html`<table id="tenants">
<thead><tr><th>tenant</th><th>active</th><th>since</th><th>by</th><th>loaded</th><th>breaker</th></tr></thead>
<tbody>
${tenants.map(
  (t) => html`<tr>
<td><a href="${tenantUrl(t.tenant)}">${t.tenant}</a></td>
<td>${t.active === undefined ? 'none' : `v${t.active}`}</td>
<td>${t.activatedAt ?? ''}</td>
<td>${t.activatedBy ?? ''}</td>
<td>${t.loaded.length}</td>
<td>${t.breaker.state}</td>
</tr>`,
)}
</tbody>
</table>`,
    session,
  );
}

export function errorPage(title: string, reason: string, session?: Session): Markup {
  return layout(title, noticeView({ kind: 'error', title, lines: [reason] }) as Markup, session);
}
