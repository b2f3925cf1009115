import { awardConformance } from './award-conformance';
import { blobConformance } from './blob-conformance';
import { sqliteHandle } from './helpers';
import { storeConformance } from './store-conformance';

storeConformance('SQLite (temp file)', sqliteHandle);
blobConformance('SQLite (temp file)', sqliteHandle);
awardConformance('SQLite (temp file)', sqliteHandle);
