import type { Static } from 'typebox'
import {
  type AuditQuerySchema,
  type CloseDataRequestSchema,
  type DataRequestListQuery,
  dataProtectionContract,
  type NewDataRequestSchema,
} from '../../../shared/contracts/data-protection.js'
import { call, urlOf } from '../../api/client.js'

export type AuditQuery = Static<typeof AuditQuerySchema>

export const dataProtectionApi = {
  audit: (query: AuditQuery) => call(dataProtectionContract.audit, { query }),
  /** The CSV export of the same lines, as a link (the browser downloads it with the session cookie). */
  auditCsvUrl: ({ limit: _limit, offset: _offset, ...filters }: AuditQuery) =>
    urlOf(dataProtectionContract.auditCsv, { query: filters }),
  requests: (query: Static<typeof DataRequestListQuery>) => call(dataProtectionContract.listRequests, { query }),
  createRequest: (body: Static<typeof NewDataRequestSchema>) => call(dataProtectionContract.createRequest, { body }),
  closeRequest: (id: string, body: Static<typeof CloseDataRequestSchema>) =>
    call(dataProtectionContract.closeRequest, { params: { id }, body }),
  erase: (householdId: string, requestId: string) =>
    call(dataProtectionContract.erase, { params: { id: householdId }, body: { requestId } }),
  dossierUrl: (householdId: string, format: 'json' | 'pdf') =>
    urlOf(dataProtectionContract.dossier, { params: { id: householdId }, query: { format } }),
}
