// Seeding for the calling benchmarks: households with one valid phone, queued as pending targets of one campaign.
import { randomUUID } from 'node:crypto'
import { bulkInsert } from '../../src/server/db/bulk.js'
import type { Db } from '../../src/server/db/database.js'
import type { CampaignTargetTable, HouseholdTable, PhoneTable } from '../../src/server/db/schema.js'

export async function seedTargets(db: Db, campaign: { id: string; organizationId: string }, count: number) {
  const now = new Date().toISOString()
  for (let start = 0; start < count; start += 2000) {
    const households: HouseholdTable[] = []
    const phones: PhoneTable[] = []
    const targets: CampaignTargetTable[] = []
    for (let index = start; index < Math.min(count, start + 2000); index++) {
      const id = randomUUID()
      households.push({
        id,
        organizationId: campaign.organizationId,
        agencyId: null,
        externalRef: `B-${index}`,
        lastName: 'Banc',
        firstName: 'Essai',
        searchName: 'banc essai | essai banc',
        birthDate: '1940-01-01',
        oldestBirthDate: '1940-01-01',
        email: null,
        addressLine1: '1 rue du Banc',
        addressLine2: null,
        postcode: '54000',
        city: 'Nancy',
        inseeCode: '54395',
        floor: 1,
        hasLift: 0,
        occupants: 1,
        livesAlone: 1,
        leaseStart: null,
        arrearsCents: 0,
        housingBenefit: 0,
        supportProgramme: 0,
        worksProgramme: null,
        status: 'active',
        leftAt: null,
        objectionAt: null,
        objectionChannel: null,
        objectionRecordedBy: null,
        objectionNote: null,
        fragilityLevel: null,
        lastContactedAt: null,
        lastImportId: null,
        importSignature: null,
        createdAt: now,
        updatedAt: now,
      })
      phones.push({
        id: randomUUID(),
        householdId: id,
        organizationId: campaign.organizationId,
        memberId: null,
        position: 0,
        raw: '0612345678',
        e164: '+33612345678',
        kind: 'mobile',
        isValid: 1,
      })
      targets.push({
        id: randomUUID(),
        campaignId: campaign.id,
        organizationId: campaign.organizationId,
        householdId: id,
        status: 'pending',
        priority: index % 100,
        priorityReasons: null,
        attempts: 0,
        nextAttemptAt: '2000-01-01T00:00:00.000Z',
        heldBy: null,
        leaseUntil: null,
        lastDisposition: null,
        lastCalledAt: null,
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: null,
        followUpUntil: null,
        addedAt: now,
        removedAt: null,
        updatedAt: now,
      })
    }
    await bulkInsert(db, 'household', households)
    await bulkInsert(db, 'phone', phones)
    await bulkInsert(db, 'campaignTarget', targets)
  }
}
