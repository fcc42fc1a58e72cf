// The entry of a SIP worker thread (docs/workers.md): the whole message path of one thread (shared UDP
// sockets, its private reply ports, transactions, routes, the stores it opens from data_dir) on the
// versions the primary thread posts. It never writes the module store; failures go to the primary.
import { parentPort, workerData } from 'node:worker_threads';
import { CallbackGuard } from '../callback-guard.ts';
import { ksrModules } from '../kemi/index.ts';
import { createLogger } from '../logger.ts';
import { tenantSpecs } from '../registry/index.ts';
import { Linker } from '../runtime/index.ts';
import { startServer } from '../server.ts';
import type { FromWorker, SipWorkerData, ToWorker } from './messages.ts';
import { workerRows } from './metric-merge.ts';
import { WorkerScripts } from './worker-scripts.ts';

const port = parentPort;
if (port === null) throw new Error('sip-worker.ts runs as a worker thread of kemi-wasm serve');
const data = workerData as SipWorkerData;
const post = (message: FromWorker) => port.postMessage(message);

const { config } = data;
const log = createLogger(config.log_level, data.logFormat).child({ worker: data.index });
const scripts = new WorkerScripts({
  specs: tenantSpecs(config),
  linker: new Linker(ksrModules),
  log,
  scriptLogLevels: Object.fromEntries(
    config.tenants.flatMap((t) => (t.log_level === undefined ? [] : [[t.name, t.log_level]])),
  ),
  timers: new CallbackGuard(log.child({ layer: 'timers' })),
  report: (failure) => post({ kind: 'failed', failure }),
});
for (const view of data.views) {
  const applied = scripts.apply(view);
  if (!applied.ok) log.error({ tenant: view.tenant }, `version not taken: ${applied.error}`);
}
const started = await startServer(config, log, { index: data.index, scripts });
if (!started.ok) {
  post({ kind: 'refused', error: started.error });
  port.close();
} else {
  const server = started.value;
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'view') {
      const applied = scripts.apply(message.view);
      if (!applied.ok) log.error({ tenant: message.view.tenant }, `version not taken: ${applied.error}`);
    } else if (message.kind === 'metrics') {
      post({ kind: 'metrics', id: message.id, rows: workerRows(server.metricSources, scripts.loadedKeys()) });
    } else {
      void server.close().then(() => {
        scripts.close();
        port.close();
      });
    }
  });
  post({ kind: 'ready' });
}
