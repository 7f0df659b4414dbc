/**
 * An organisation that requires its single sign-on: a password no longer opens it, against a real OpenID provider
 * started in the test (docs/decisions.md « Single sign-on required »).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeUser } from '../../../../test/factories.js'
import { me, setUpSso, signIn } from '../../../../test/sso-sign-in.js'
import { ssoContract } from '../../../shared/contracts/sso.js'
import { createOrganization } from '../organizations/organizations.queries.js'
import { upsertMembership } from '../users/users.queries.js'

const ORGANIZATION = 'Habitat du Nord'

async function setUp(t: Parameters<typeof setUpSso>[0]) {
  const testApp = await setUpSso(t, {
    // The provider does not say it verified addresses (Entra ID's default).
    accounts: { agent: { email: 'placeholder', name: 'Agent', groups: ['agents'], emailVerified: false } },
  })
  const { db, organization } = testApp
  // A partner association of the same network, without single sign-on, and the network's administrator there.
  const partner = await createOrganization(db, {
    networkId: organization.networkId,
    code: 'partenaire',
    name: 'Association partenaire',
    type: 'partner',
  })
  const networkAdmin = await makeUser(db, 'admin', { organizationId: partner.id })
  const networkAdminSession = await testApp.loginAs(networkAdmin)
  const agent = await makeUser(db, 'caller', { organizationId: organization.id })
  testApp.provider.accounts.get('agent')!.email = agent.email
  const shared = await makeUser(db, 'caller', { organizationId: organization.id })
  await upsertMembership(db, { userId: shared.id, organizationId: partner.id, role: 'caller' })
  return { ...testApp, partner, networkAdminSession, agent, shared }
}

async function passwordLogin(testApp: Awaited<ReturnType<typeof setUp>>, user: { email: string; password: string }) {
  return testApp.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email, password: user.password },
  })
}

async function organizationsOf(testApp: Awaited<ReturnType<typeof setUp>>, headers: { cookie: string }) {
  const response = await testApp.app.inject({ url: '/api/auth/me', headers })
  if (response.statusCode !== 200) return response.statusCode
  return response.json().user.memberships.map((m: { organization: { name: string } }) => m.organization.name)
}

describe('single sign-on required by an organisation', () => {
  it('is refused to its own administrator who still signs in with a password, and nothing changes', async (t) => {
    const testApp = await setUp(t)
    const { db, putSso, adminSession, organization } = testApp
    const refused = await putSso({ requireSso: true })
    assert.equal(refused.statusCode, 409, refused.body)
    assert.equal(refused.json().error.details.reason, 'sso_not_proven')
    const row = await db
      .selectFrom('organizationSso')
      .select('requireSso')
      .where('organizationId', '=', organization.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.requireSso, 0)
    assert.deepEqual(await organizationsOf(testApp, adminSession), [ORGANIZATION])
  })

  it('closes the organisation to passwords at once: sessions end, a password is refused naming the provider, the provider binds the account, and a shared account keeps its other organisation', async (t) => {
    const testApp = await setUp(t)
    const { app, db, organization, putSso, networkAdminSession, agent, shared, admin, adminSession } = testApp
    const agentSession = await testApp.loginAs(agent)
    const sharedSession = await testApp.loginAs(shared)
    assert.deepEqual(await organizationsOf(testApp, sharedSession), ['Association partenaire', ORGANIZATION])

    // What the confirmation says before: the organisation's administrator, the agent and the shared account.
    const before = await app.inject({
      url: `/api/organizations/${organization.code}/sso`,
      headers: networkAdminSession,
    })
    assertMatchesContract(ssoContract.readSettings, before)
    assert.deepEqual(before.json().passwordMembers, { count: 3, alsoElsewhere: 1 })
    assert.equal(before.json().settings.requireSso, false)

    const saved = await putSso({ requireSso: true }, networkAdminSession)
    assert.equal(saved.statusCode, 200, saved.body)
    assertMatchesContract(ssoContract.saveSettings, saved)
    assert.equal(saved.json().settings.requireSso, true)
    const audit = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'sso.settings_changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.deepEqual(
      (({ requireSso, passwordMembers, accountsSignedOut }) => ({ requireSso, passwordMembers, accountsSignedOut }))(
        JSON.parse(String(audit.details)),
      ),
      { requireSso: true, passwordMembers: 3, accountsSignedOut: 2 },
    )

    // Sessions opened with a password: ended for those of this organisation only, narrowed for the shared account.
    assert.equal(await organizationsOf(testApp, agentSession), 401)
    assert.equal(await organizationsOf(testApp, adminSession), 401)
    assert.deepEqual(await organizationsOf(testApp, sharedSession), ['Association partenaire'])

    // A password names where to sign in; the shared account still signs in, to its other organisation only.
    for (const user of [agent, admin]) {
      const refused = await passwordLogin(testApp, user)
      assert.equal(refused.statusCode, 403, refused.body)
      assert.deepEqual(refused.json().error.details, { reason: 'sso_account', providers: [ORGANIZATION] })
    }
    const sharedLogin = await passwordLogin(testApp, shared)
    assert.equal(sharedLogin.statusCode, 200, sharedLogin.body)
    assert.deepEqual(
      sharedLogin.json().user.memberships.map((m: { organization: { name: string } }) => m.organization.name),
      ['Association partenaire'],
    )

    // A forgotten password: a mail saying where to sign in, no link that would set one.
    const reset = await app.inject({
      method: 'POST',
      url: '/api/account/password-reset',
      payload: { email: agent.email },
    })
    assert.equal(reset.statusCode, 202, reset.body)
    const mails = await db.selectFrom('outboxEmail').select(['recipient', 'subject', 'body']).execute()
    const agentMail = mails.find((mail) => mail.recipient === agent.email)
    assert.ok(agentMail?.body.includes(`Se connecter avec ${ORGANIZATION}`), agentMail?.body)
    assert.ok(!agentMail?.body.includes('/mot-de-passe'), 'no link that sets a password')

    // The users list says, membership by membership, how each is reached now.
    const signIns = async () => {
      const listed = await app.inject({ url: '/api/users', headers: networkAdminSession })
      assert.equal(listed.statusCode, 200, listed.body)
      const byUser = new Map<string, string[]>()
      for (const user of listed.json().items as {
        id: string
        memberships: { organization: { name: string }; signIn: string }[]
      }[]) {
        byUser.set(user.id, user.memberships.map((m) => `${m.organization.name}: ${m.signIn}`).sort())
      }
      return byUser
    }
    const whileAwaiting = await signIns()
    assert.deepEqual(whileAwaiting.get(agent.id), [`${ORGANIZATION}: awaiting_provider`])
    assert.deepEqual(whileAwaiting.get(shared.id), [
      'Association partenaire: password',
      `${ORGANIZATION}: awaiting_provider`,
    ])

    // The provider does not vouch for the address, but the organisation made it the judge of its people: bound.
    const bySso = await signIn(testApp, organization.code, 'agent')
    assert.equal(bySso.location, '/')
    const person = await me(testApp, bySso.session)
    assert.equal(person.id, agent.id)
    assert.deepEqual(
      person.memberships.map((m: { organization: { name: string }; role: string }) => [m.organization.name, m.role]),
      [[ORGANIZATION, 'caller']],
    )
    const afterwards = await app.inject({
      url: `/api/organizations/${organization.code}/sso`,
      headers: networkAdminSession,
    })
    assert.deepEqual(afterwards.json().passwordMembers, { count: 2, alsoElsewhere: 1 })
    assert.deepEqual((await signIns()).get(agent.id), [`${ORGANIZATION}: provider`])
  })

  it('opens the organisation to passwords again when its single sign-on is switched off', async (t) => {
    const testApp = await setUp(t)
    const { putSso, networkAdminSession, agent, shared } = testApp
    assert.equal((await putSso({ requireSso: true }, networkAdminSession)).statusCode, 200)
    assert.equal((await passwordLogin(testApp, agent)).statusCode, 403)
    const sharedSession = await testApp.loginAs(shared)
    assert.deepEqual(await organizationsOf(testApp, sharedSession), ['Association partenaire'])

    // Switched off (the choice to require it is kept for when it is on again): passwords open it again, at once.
    const off = await putSso({ isEnabled: false }, networkAdminSession)
    assert.equal(off.statusCode, 200, off.body)
    assert.equal(off.json().settings.requireSso, true)
    assert.equal((await passwordLogin(testApp, agent)).statusCode, 200)
    assert.deepEqual(await organizationsOf(testApp, sharedSession), ['Association partenaire', ORGANIZATION])
  })

  it('invites a new person with a mail that says where to sign in, and no link that would set a password', async (t) => {
    const testApp = await setUp(t)
    const { app, db, organization, putSso, networkAdminSession } = testApp
    assert.equal((await putSso({ requireSso: true }, networkAdminSession)).statusCode, 200)
    const invited = await app.inject({
      method: 'POST',
      url: '/api/users/invitations',
      headers: networkAdminSession,
      payload: {
        email: 'nouvelle@nord.example',
        name: 'Nouvelle Bénévole',
        organization: organization.code,
        role: 'caller',
      },
    })
    assert.equal(invited.statusCode, 201, invited.body)
    assert.equal(invited.json().invited, true)
    assert.equal(invited.json().expiresAt, null)
    const mail = await db
      .selectFrom('outboxEmail')
      .select(['subject', 'body'])
      .where('recipient', '=', 'nouvelle@nord.example')
      .executeTakeFirstOrThrow()
    // The outbox sets French typography (non-breaking spaces before « : » and inside « »).
    assert.match(mail.subject, /^Allervers\s:\svotre invitation$/)
    assert.match(mail.body, /Vous n’avez pas de mot de passe à choisir/)
    assert.match(mail.body, new RegExp(`choisissez «\\sSe connecter avec ${ORGANIZATION}\\s»`))
    assert.ok(!mail.body.includes('#token='), 'no link that sets a password')
    const tokens = await db.selectFrom('accountToken').select('id').execute()
    assert.equal(tokens.length, 0)
  })
})
