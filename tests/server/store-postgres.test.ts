import { awardConformance } from './award-conformance';
import { blobConformance } from './blob-conformance';
import { postgresHandle } from './helpers';
import { storeConformance } from './store-conformance';

storeConformance('PostgreSQL (own schema per run)', postgresHandle);
blobConformance('PostgreSQL (own schema per run)', postgresHandle);
awardConformance('PostgreSQL (own schema per run)', postgresHandle);
