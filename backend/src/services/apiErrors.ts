import type { z } from "zod";

/**
 * An error a handler answers with: HTTP status, a stable code and a message a person can
 * act on. Thrown by services and handlers, turned into `{ error: { code, message } }`.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

export const badRequest = (message: string) => new ApiFailure(400, "BadRequest", message);
export const unauthorized = (message: string) => new ApiFailure(401, "Unauthorized", message);
export const forbidden = (message: string) => new ApiFailure(403, "Forbidden", message);
export const notFound = (message: string) => new ApiFailure(404, "NotFound", message);
export const conflict = (message: string) => new ApiFailure(409, "Conflict", message);
export const tooMany = (message: string) => new ApiFailure(429, "TooManyRequests", message);

/** One line per problem, each naming the field: `title: must not be empty`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      let message = issue.message;
      if (issue.code === "unrecognized_keys") message = `unknown field(s) ${issue.keys.join(", ")}`;
      return path ? `${path}: ${message}` : message;
    })
    .join("; ");
}

/** Parses `value` with `schema` or throws a 400 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`${what} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
