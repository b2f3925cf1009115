import { feedbackStoreConformance } from './feedback-store-conformance';
import { postgresHandle, sqliteHandle } from './helpers';

feedbackStoreConformance('SQLite (temp file)', sqliteHandle);
feedbackStoreConformance('PostgreSQL (own schema per run)', postgresHandle);
