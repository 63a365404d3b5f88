// The options of a write as a request states them: `dryRun=All`, and who writes (the `fieldManager` parameter, else
// the client's User-Agent product), recorded in managedFields.
import type { WriteOptions } from '../api';
import { managerOf } from '../managed-fields';
import { ApiRequest, dryRunOf } from './request';

/** The dry-run flag and field manager of a create, update or patch request. */
export function writeOptionsOf(request: ApiRequest): WriteOptions {
  const fieldManager = managerOf(request.query.get('fieldManager'), request.userAgent);
  return { dryRun: dryRunOf(request.query), ...(fieldManager ? { fieldManager } : {}) };
}
