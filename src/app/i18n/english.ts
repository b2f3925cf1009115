/** The English core words (loaded by loadLocale in ./index.ts when English is chosen). */
import common from './messages/en/common';
import event from './messages/en/event';
import validation from './messages/en/validation';

export const englishCore: Record<string, unknown> = Object.assign({}, common, event, validation);
