import type { Static } from 'typebox'
import {
  type CampaignAction,
  type CampaignChangesSchema,
  type CampaignSummarySchema,
  campaignsContract,
  type NewCampaignSchema,
} from '../../../shared/contracts/campaigns.js'
import { type Answer, call } from '../../api/client.js'

export type { Campaign } from '../../../shared/contracts/campaigns.js'
export type CampaignSummary = Static<typeof CampaignSummarySchema>
export type Preview = Answer<typeof campaignsContract.preview>

export const campaignsApi = {
  list: () => call(campaignsContract.list),
  get: (id: string) => call(campaignsContract.read, { params: { id } }),
  templates: () => call(campaignsContract.templates),
  create: (body: Static<typeof NewCampaignSchema>) => call(campaignsContract.create, { body }),
  preview: (organization: string, targeting: unknown, priorityWeights?: Record<string, number> | null) =>
    call(campaignsContract.preview, {
      body: { organization, targeting, ...(priorityWeights ? { priorityWeights } : {}) },
    }),
  retarget: (id: string, targeting: unknown) =>
    call(campaignsContract.retarget, { params: { id }, body: { targeting } }),
  update: (id: string, body: Static<typeof CampaignChangesSchema>) =>
    call(campaignsContract.update, { params: { id }, body }),
  act: (id: string, action: CampaignAction) => call(campaignsContract[action], { params: { id } }),
  explain: (id: string, householdId: string) => call(campaignsContract.explain, { params: { id, householdId } }),
}
