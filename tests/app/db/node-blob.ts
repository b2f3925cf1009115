/**
 * Import FIRST in tests that store Blobs. happy-dom's Blob does not survive fake-indexeddb's
 * structuredClone (it comes back as a plain object), while a real browser's does; Node's Blob
 * does too. Dexie notes the global Blob type when it loads, so this must run before Dexie does.
 */
import { Blob as NodeBlob } from 'node:buffer';

globalThis.Blob = NodeBlob as unknown as typeof Blob;
