import { Type } from 'typebox'
import { route } from './route.js'

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  version: Type.String(),
})

export const healthContract = {
  read: route('GET', '/health', { tags: ['health'], security: [], response: { 200: HealthSchema } }),
}
