import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_ACCOUNTS } from '../demo/demo.service.js'
import { checkPassword } from './password-strength.js'
import { generatePassword } from './passwords.js'

const owner = { email: 'marie-claire.durand@bailleur.example', name: 'Marie-Claire Durand' }

describe('checkPassword', () => {
  it('refuses short, common, repeated and personal passwords, saying why', async () => {
    const cases: [string, string][] = [
      ['Abc-123', 'too_short'],
      ['aaaaaaaaaaaa', 'too_weak'],
      ['password1234', 'too_weak'],
      ['azertyuiop12', 'too_weak'],
      ['motdepasse123', 'too_weak'],
      ['bonjourbonjour', 'too_weak'],
      ['MarieClaire-1987!', 'contains_email'],
      ['bleu-DURAND-vert-2024', 'contains_email'],
      ['x', 'too_short'],
    ]
    for (const [password, reason] of cases) {
      const refusal = await checkPassword(password, owner)
      assert.equal(refusal?.reason, reason, password)
    }
    const byName = await checkPassword('Soleil-Élodie-Rivière-42', { email: 'e.m@x.example', name: 'Elodie Martin' })
    assert.equal(byName?.reason, 'contains_name', 'accents and case are ignored')
    const common = await checkPassword('password1234', owner)
    assert.equal(common?.warning, 'Ce mot de passe est similaire à un mot de passe couramment utilisé.')
  })

  it('accepts long passphrases and random passwords', async () => {
    for (const password of ['Quatre chevaux boivent du thé vert', 'k3m@-Zx9!-q2$w-8#L0', 'Soleil-du-matin-42']) {
      assert.equal(await checkPassword(password, owner), null, password)
    }
  })

  it('accepts every password the app generates (the demo’s accounts and the administrators’ new users)', async () => {
    for (const account of [owner, ...DEMO_ACCOUNTS]) {
      for (let index = 0; index < 25; index++) {
        const password = generatePassword()
        assert.equal(await checkPassword(password, account), null, `${password} for ${account.email}`)
      }
    }
  })
})
