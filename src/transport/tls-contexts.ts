// The certificates and CAs of the TLS and WSS listeners and of outbound TLS, read from PEM files. Files are
// read at start and again on reload(): a reload that fails (a missing file, a key that does not match its
// certificate) keeps the contexts in use and says why, so a bad deploy never takes TLS down.
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { err, ok, type Result } from '../result.ts';

/** One certificate and its key; `listen` and `domains` say where it is served. */
export interface TlsCertificate {
  /** PEM file of the certificate (with its chain). */
  readonly certificate: string;
  /** PEM file of the private key. */
  readonly key: string;
  /** Listen specs (as written in `listen`) it serves; absent: every tls:/wss: listener. */
  readonly listen?: readonly string[];
  /** SNI names it is chosen for (`*.example.com` allowed); absent: the default of its listeners. */
  readonly domains?: readonly string[];
}

export interface TlsSettings {
  readonly certificates: readonly TlsCertificate[];
  /** PEM files of CAs trusted besides (or instead of) the system ones, for next hops and client certificates. */
  readonly ca?: readonly string[];
  /** Trust the system CA set too (Node's bundled roots). */
  readonly systemCa: boolean;
  /** Ask inbound peers for a certificate and refuse the handshake when it does not verify. */
  readonly verifyClient: boolean;
  /** Verify next hops' certificates on outbound TLS; sips: next hops are verified whatever this says. */
  readonly verifyServer: boolean;
}

interface Loaded {
  readonly ca: string[] | undefined;
  /** Per listen spec: the default context and the SNI ones. */
  readonly byListen: Map<string, { fallback?: SecureContext; named: [RegExp, SecureContext][] }>;
  readonly anyListen: { fallback?: SecureContext; named: [RegExp, SecureContext][] };
  readonly client: SecureContext | undefined;
}

export class TlsContexts {
  readonly settings: TlsSettings;
  #loaded: Loaded;

  private constructor(settings: TlsSettings, loaded: Loaded) {
    this.settings = settings;
    this.#loaded = loaded;
  }

  static load(settings: TlsSettings): Result<TlsContexts> {
    const loaded = load(settings);
    return loaded.ok ? ok(new TlsContexts(settings, loaded.value)) : loaded;
  }

  /** Reads every file again; on failure the current contexts stay. */
  reload(): Result<void> {
    const loaded = load(this.settings);
    if (!loaded.ok) return loaded;
    this.#loaded = loaded.value;
    return ok(undefined);
  }

  /** Whether `spec` has a certificate to serve (checked at start for each tls:/wss: listener). */
  hasCertificate(spec: string): boolean {
    return this.#context(spec, undefined) !== undefined;
  }

  /** The context for a handshake on `spec` for the SNI name `servername` (read at each handshake: reloads apply). */
  serverContext(spec: string, servername: string | undefined): SecureContext | undefined {
    return this.#context(spec, servername);
  }

  /**
   * What outbound TLS presents as its client certificate: the first certificate configured for every
   * listener (else the first at all), holding the CA set too; undefined without certificates.
   */
  get clientContext(): SecureContext | undefined {
    return this.#loaded.client;
  }

  /** The CAs to verify peers with: the configured ones, plus the system set when enabled. */
  get ca(): string[] | undefined {
    return this.#loaded.ca;
  }

  #context(spec: string, servername: string | undefined): SecureContext | undefined {
    const own = this.#loaded.byListen.get(spec);
    const any = this.#loaded.anyListen;
    if (servername !== undefined) {
      const name = servername.toLowerCase();
      for (const table of [own?.named, any.named]) {
        for (const [pattern, context] of table ?? []) if (pattern.test(name)) return context;
      }
    }
    return own?.fallback ?? any.fallback;
  }
}

function load(settings: TlsSettings): Result<Loaded> {
  const read = (what: string, path: string): Result<string> => {
    try {
      return ok(readFileSync(path, 'latin1'));
    } catch (e) {
      return err(`tls: cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  };
  let ca: string[] | undefined;
  if (settings.ca !== undefined && settings.ca.length > 0) {
    ca = settings.systemCa ? [...rootCertificates] : [];
    for (const path of settings.ca) {
      const pem = read('CA file', path);
      if (!pem.ok) return pem;
      ca.push(pem.value);
    }
  }
  const byListen: Loaded['byListen'] = new Map();
  const anyListen: Loaded['anyListen'] = { named: [] };
  let first: SecureContext | undefined;
  for (const entry of settings.certificates) {
    const cert = read('certificate', entry.certificate);
    if (!cert.ok) return cert;
    const key = read('key', entry.key);
    if (!key.ok) return key;
    let context: SecureContext;
    try {
      context = createSecureContext({ cert: cert.value, key: key.value, ...(ca ? { ca } : {}) });
    } catch (e) {
      return err(
        `tls: certificate '${entry.certificate}' with key '${entry.key}' is not usable: ${(e as Error).message}`,
      );
    }
    first ??= context;
    const tables =
      entry.listen === undefined ? [anyListen] : entry.listen.map((spec) => tableFor(byListen, spec));
    for (const table of tables) {
      if (entry.domains === undefined || entry.domains.length === 0) table.fallback ??= context;
      else for (const domain of entry.domains) table.named.push([domainPattern(domain), context]);
    }
  }
  return ok({ ca, byListen, anyListen, client: anyListen.fallback ?? first });
}

function tableFor(byListen: Loaded['byListen'], spec: string) {
  let table = byListen.get(spec);
  if (table === undefined) {
    table = { named: [] };
    byListen.set(spec, table);
  }
  return table;
}

/** `example.com` matches itself; `*.example.com` one label or more under it. */
function domainPattern(domain: string): RegExp {
  const lower = domain.toLowerCase();
  const escaped = lower.replace(/^\*\./, '').replace(/[.]/g, '\\.');
  return lower.startsWith('*.') ? new RegExp(`^[^.]+(\\.[^.]+)*\\.${escaped}$`) : new RegExp(`^${escaped}$`);
}
