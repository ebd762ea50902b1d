// A small typed client of the DJCD API over openapi-fetch. Every path, parameter, body and answer
// type comes from `schema.d.ts`, which openapi-typescript generates from openapi/openapi.json
// (`npm run generate`; not committed).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Schemas = components["schemas"];
export type Problem = Schemas["ProblemDocument"];
export type TokenPair = Schemas["TokenPair"];

/** The routes that take no bearer token and are never retried after a refresh. */
const SESSION_PATHS = new Set(["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/token"]);

export interface DjcdClient {
  /** The typed client: `api.GET("/api/v1/projects", { params: { query: { status: "pipeline" } } })`. */
  readonly api: Client<paths>;
  /** Signs in (POST /api/v1/auth/login); later calls carry the access token. */
  login(email: string, password: string): Promise<TokenPair>;
  /** Trades the refresh token for a new pair (POST /api/v1/auth/refresh). */
  refresh(): Promise<TokenPair>;
  /** The current tokens (undefined before login). */
  tokens(): TokenPair | undefined;
  /** Replaces the access token, e.g. to simulate an expired one. */
  setAccessToken(token: string): void;
  /** How many times a 401 made the client refresh and retry. */
  refreshes(): number;
}

export interface ClientOptions {
  /** `fr` (the server's default) or `en`: the language of problem titles, details and messages. */
  language?: string;
}

export function createDjcdClient(baseUrl: string, options: ClientOptions = {}): DjcdClient {
  // Several codes per filter are sent comma-separated (`status=pipeline,implementation`), as the
  // contract declares them (style form, explode false).
  const api = createClient<paths>({ baseUrl, querySerializer: { array: { style: "form", explode: false } } });
  let session: TokenPair | undefined;
  let pendingRefresh: Promise<TokenPair> | undefined;
  let retried = 0;
  // A copy of each request taken before it is sent (fetch consumes the body), for the one retry.
  const copies = new Map<string, Request>();

  async function refresh(): Promise<TokenPair> {
    // Concurrent 401s share one refresh: a refresh token is single-use, reusing it revokes the session.
    pendingRefresh ??= (async () => {
      if (!session) throw new Error("refresh before login");
      const { data, error, response } = await api.POST("/api/v1/auth/refresh", {
        body: { refresh_token: session.refresh_token },
      });
      if (!data) throw new ApiError(response.status, error);
      session = data;
      return data;
    })().finally(() => {
      pendingRefresh = undefined;
    });
    return pendingRefresh;
  }

  const auth: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (options.language) request.headers.set("Accept-Language", options.language);
      if (session && !SESSION_PATHS.has(schemaPath)) {
        request.headers.set("Authorization", `Bearer ${session.access_token}`);
        copies.set(id, request.clone());
      }
      return request;
    },
    async onResponse({ response, id }) {
      const copy = copies.get(id);
      copies.delete(id);
      if (response.status !== 401 || !copy) return response;
      // Once: refresh the pair, then send the same request again with the new access token.
      const pair = await refresh();
      retried += 1;
      copy.headers.set("Authorization", `Bearer ${pair.access_token}`);
      return fetch(copy);
    },
    onError({ id }) {
      copies.delete(id);
    },
  };
  api.use(auth);

  return {
    api,
    async login(email, password) {
      const { data, error, response } = await api.POST("/api/v1/auth/login", { body: { email, password } });
      if (!data) throw new ApiError(response.status, error);
      session = data;
      return data;
    },
    refresh,
    tokens: () => session,
    setAccessToken(token) {
      if (session) session = { ...session, access_token: token };
    },
    refreshes: () => retried,
  };
}

// ---- Errors -------------------------------------------------------------------------------------

/** An answer that was not the one expected: its status and, when it has one, its problem document. */
export class ApiError extends Error {
  readonly problem: Problem | undefined;

  constructor(
    readonly status: number,
    body: unknown,
  ) {
    const problem = asProblem(body);
    super(`HTTP ${status}${problem ? ` ${problem.title}: ${problem.detail}` : ""}`);
    this.problem = problem;
  }
}

/** The problem+json document of an error answer (RFC 9457), or undefined when the body is not one. */
export function asProblem(body: unknown): Problem | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const candidate = body as Partial<Problem>; // the error boundary: checked field by field below
  return typeof candidate.type === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.status === "number" &&
    typeof candidate.detail === "string"
    ? (body as Problem)
    : undefined;
}

/**
 * A 422's `errors[]` as a form wants them: each field's messages, e.g.
 * `{ "title": ["ne doit pas être vide"], "participants[0].partner_id": ["…"] }`.
 */
export function fieldErrors(problem: Problem): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  for (const { field, message } of problem.errors ?? []) {
    (byField[field] ??= []).push(message);
  }
  return byField;
}

// ---- Versions (ETag / If-Match) -----------------------------------------------------------------

/** A record with the ETag it was read or written at, for the next conditional write. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** The `ETag` of an answer (every GET, POST and PATCH of a record has one). */
export function etagOf(response: Response): string {
  const etag = response.headers.get("ETag");
  if (!etag) throw new Error(`${response.url}: the answer has no ETag`);
  return etag;
}

/** Pairs the data of a successful call with its ETag; throws an ApiError on any other answer. */
export function versioned<T>(result: { data?: T; error?: unknown; response: Response }): Versioned<T> {
  if (result.data === undefined) throw new ApiError(result.response.status, result.error);
  return { value: result.data, etag: etagOf(result.response) };
}
