/** Schemas shared by several contracts. */
import { type TSchema, Type } from 'typebox'

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** An id in a path: opaque text, bounded. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

/** The one error format: `{"error":{"code","message","details"?}}`. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
})

/** A 204 answer: no body. */
export const NoContent = Type.Null({ description: 'No content' })

/** A file answer (PDF, CSV, XLSX) documented by media type. */
export function fileResponse(description: string, mediaTypes: readonly string[]) {
  return {
    description,
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: Type.String({ format: 'binary' }) }])),
  }
}

/** A paginated list: `{"items":[…],"total":N}`. */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() })
