// The README of a project `kemi-wasm init` creates.
import type { LanguageName, Template } from './languages.ts';

const WHAT: Record<Template, string> = {
  hello: 'answers keepalive OPTIONS to the server with 200 and every other request with 404',
  proxy:
    'relays requests statefully to the PRIMARY define (record-routed, with failover to SECONDARY on a 5xx ' +
    'or a timeout) and routes in-dialog requests by their Route header',
  registrar:
    'challenges REGISTER requests (digest authentication against the subscriber table), saves the bindings ' +
    'and routes calls to the registered contacts',
};

const SOURCE: Record<LanguageName, string> = {
  assemblyscript: 'assembly/index.ts',
  rust: 'src/lib.rs',
  js: 'index.js',
  ts: 'index.ts',
};

/** Where the project names the SDK's path, to fix after moving it or kemi-wasm. */
const SDK_PATH: Record<LanguageName, string> = {
  assemblyscript: 'the imports of the SDK in assembly/index.ts',
  rust: '`ksr` in Cargo.toml',
  js: '`paths` in jsconfig.json, for the types: the build finds the SDK itself',
  ts: '`paths` in tsconfig.json, for the types: the build finds the SDK itself',
};

/** What `npm install` installs in the project, when it has to. */
const INSTALLS: Partial<Record<LanguageName, string>> = {
  assemblyscript: 'the AssemblyScript compiler',
  js: 'componentize-js',
  ts: 'componentize-js',
};

export function projectReadme(p: {
  name: string;
  language: LanguageName;
  template: Template;
  toolchain: string;
}): string {
  const installs = INSTALLS[p.language];
  const install = installs === undefined ? '' : `npm install                 # ${installs}\n`;
  return `# ${p.name}

A kemi-wasm routing script (${p.language}, from the \`${p.template}\` template): it ${WHAT[p.template]}.
The routes are in [${SOURCE[p.language]}](${SOURCE[p.language]}); they call the server through the KSR API
(\`KSR.pv.get\`, \`KSR.sl.sl_send_reply\`, \`KSR.tm.t_relay\` ...), documented in kemi-wasm's docs/ksr-api.md.
The SDK is referenced by path from the kemi-wasm installation that created this project: after moving the
project or kemi-wasm, fix that path (${SDK_PATH[p.language]}).

Building needs ${p.toolchain}.

\`\`\`sh
${install}kemi-wasm build .                          # -> build/${p.name}.wasm
kemi-wasm test build/${p.name}.wasm test/cases.yaml   # offline: no sockets, the real host
kemi-wasm serve --module build/${p.name}.wasm         # SIP on udp+tcp 127.0.0.1:5060
kemi-wasm deploy build/${p.name}.wasm --tenant NAME   # to a running server with the admin API
\`\`\`

[test/cases.yaml](test/cases.yaml) holds SIP messages and what the route must do with each: the reply sent
back, where the request is relayed, the KSR calls made in order. \`kemi-wasm test --verbose\` prints every
call and message; the file format is in kemi-wasm's docs/route-tests.md.
`;
}
