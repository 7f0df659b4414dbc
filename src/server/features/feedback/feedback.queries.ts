import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database.js'
import type { CallerFeedbackTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'

export async function insertFeedback(db: Db, feedback: Omit<CallerFeedbackTable, 'id'>) {
  const row: CallerFeedbackTable = { id: randomUUID(), ...feedback }
  await db.insertInto('callerFeedback').values(row).execute()
  return row
}

/** Debriefs asked for and not yet handled, oldest first: who asked and when, nothing about any tenant. */
export async function listPendingDebriefs(db: Db, campaignId: string) {
  return db
    .selectFrom('callerFeedback')
    .innerJoin('user', 'user.id', 'callerFeedback.callerId')
    .select([
      'callerFeedback.id',
      'callerFeedback.callerId',
      'user.name as callerName',
      'callerFeedback.createdAt as requestedAt',
    ])
    .where('callerFeedback.campaignId', '=', campaignId)
    .where('callerFeedback.debriefRequested', '=', 1)
    .where('callerFeedback.debriefHandledAt', 'is', null)
    .orderBy('callerFeedback.createdAt')
    .execute()
}

export async function findFeedback(db: Db, id: string) {
  return db.selectFrom('callerFeedback').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Marks a debrief handled unless someone already did; returns whether this call did it. */
export async function markDebriefHandled(db: Db, id: string, userId: string, at: Timestamp) {
  const result = await db
    .updateTable('callerFeedback')
    .set({ debriefHandledBy: userId, debriefHandledAt: at })
    .where('id', '=', id)
    .where('debriefRequested', '=', 1)
    .where('debriefHandledAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
