import { postgresHandle } from './helpers';
import { storeConformance } from './store-conformance';

storeConformance('PostgreSQL (own schema per run)', postgresHandle);
