import { sqliteHandle } from './helpers';
import { storeConformance } from './store-conformance';

storeConformance('SQLite (temp file)', sqliteHandle);
