// Run as a child process by store.test.ts: stores a blob for `<tenant>` in `<dir>` and kills itself with
// SIGKILL at write step `<step>` (temp-written: before the rename; renamed: before the version row).
import { createHash } from 'node:crypto';
import { ModuleStore } from '../../../src/registry/index.ts';

const [dir, step, text] = process.argv.slice(2);
const opened = await ModuleStore.open({
  dir,
  onWriteStep: (s) => {
    if (s === step) process.kill(process.pid, 'SIGKILL');
  },
});
if (!opened.ok) throw new Error(opened.error);
const { store } = opened.value;
const bytes = new TextEncoder().encode(text);
const sha256 = createHash('sha256').update(bytes).digest('hex');
await store.putBlob(sha256, bytes);
store.addVersion('acme', { sha256, size: bytes.length, world: 'w', createdBy: 'crash' });
store.activate('acme', 2, 'activate', 'crash');
await store.close();
