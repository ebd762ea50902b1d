// How a TypeScript client uses the contract: every type below comes from `schema.d.ts`, which
// openapi-typescript generates from openapi/openapi.json (it is not committed). `tsc --noEmit` fails
// when the document changes in a way that breaks these calls: a renamed field, a changed type, a
// missing status, a removed operation.
//
// Nothing here runs in CI; it is only type-checked.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
type Problem = Schemas["ProblemDocument"];

// ---- Helpers over the generated `paths` -------------------------------------------------------

type Method = "get" | "post" | "put" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON body an operation takes. */
type JsonBody<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

/** The JSON body an operation answers with, for one status. */
type JsonResponse<O, S extends number> = O extends {
  responses: { [K in S]: { content: { "application/json": infer R } } };
}
  ? R
  : never;

/** The query parameters of an operation (an empty object when it has none). */
type Query<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;

/** An error answer: the status and the RFC 9457 problem document. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
  }
}

async function send<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw new ApiProblem(response.status, (await response.json()) as Problem);
  }
  return (await response.json()) as T;
}

/** Multi-value filters (`style: form, explode: false`) are arrays: `String(["a", "b"])` is `a,b`. */
function queryString(
  query: Record<string, string | number | boolean | readonly string[] | null | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

// ---- Login: POST /api/v1/auth/login ----------------------------------------------------------

type LoginOperation = Operation<"/api/v1/auth/login", "post">;
export type LoginRequest = JsonBody<LoginOperation>;
export type LoginResponse = JsonResponse<LoginOperation, 200>;

export async function login(baseUrl: string, email: string, password: string): Promise<LoginResponse> {
  const body: LoginRequest = { email, password };
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return send<LoginResponse>(response);
}

// ---- Lists: GET on a collection ---------------------------------------------------------------

/**
 * The collections the client lists, each with the type of its page: the `application/json` body of
 * the 200 (a list with a CSV export declares it apart, under `text/csv`, so the page stays the list
 * type, never `ProjectList | string`).
 */
type ListPath = "/api/v1/domains" | "/api/v1/projects" | "/api/v1/staff" | "/api/v1/exchange-rates";
type ListOperation<P extends ListPath> = Operation<P, "get">;
export type ListPage<P extends ListPath> = JsonResponse<ListOperation<P>, 200>;
export type ListQuery<P extends ListPath> = Query<ListOperation<P>>;

export async function list<P extends ListPath>(
  baseUrl: string,
  token: string,
  path: P,
  query: ListQuery<P>,
): Promise<ListPage<P>> {
  const response = await fetch(`${baseUrl}${path}${queryString(query)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
  return send<ListPage<P>>(response);
}

// ---- Write: PATCH /api/v1/domains/{code} with If-Match -----------------------------------------

type GetDomainOperation = Operation<"/api/v1/domains/{code}", "get">;
type UpdateDomainOperation = Operation<"/api/v1/domains/{code}", "patch">;
export type DomainCode = UpdateDomainOperation["parameters"]["path"]["code"];
export type DomainChanges = JsonBody<UpdateDomainOperation>;
export type Domain = JsonResponse<UpdateDomainOperation, 200>;

/** A record with the ETag it was read at, for the next conditional write. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export async function getDomain(baseUrl: string, token: string, code: DomainCode): Promise<Versioned<Domain>> {
  const response = await fetch(`${baseUrl}/api/v1/domains/${encodeURIComponent(code)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
  const value = await send<JsonResponse<GetDomainOperation, 200>>(response);
  return { value, etag: response.headers.get("ETag") ?? "" };
}

/** Changes a domain if nobody changed it since `current` was read (412 otherwise). */
export async function updateDomain(
  baseUrl: string,
  token: string,
  current: Versioned<Domain>,
  changes: DomainChanges,
): Promise<Versioned<Domain>> {
  const response = await fetch(`${baseUrl}/api/v1/domains/${encodeURIComponent(current.value.code)}`, {
    method: "PATCH",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      Accept: "application/json",
      "If-Match": current.etag,
    },
    body: JSON.stringify(changes),
  });
  const value = await send<Domain>(response);
  return { value, etag: response.headers.get("ETag") ?? "" };
}

// ---- A session that uses all three ------------------------------------------------------------

export async function example(baseUrl: string): Promise<string[]> {
  const session = await login(baseUrl, "director@djcd.test", "a-password-of-12+");
  const token: string = session.access_token;
  const expiresIn: number = session.expires_in;
  const refresh: string = session.refresh_token;

  const page = await list(baseUrl, token, "/api/v1/domains", { include_archived: false });
  const codes = page.items.map((domain) => domain.code);
  const projects = await list(baseUrl, token, "/api/v1/projects", {
    status: ["pipeline", "implementation"],
    agent_in_charge: "me",
    sort: "-created_at",
    limit: 50,
  });
  const titles: string[] = projects.items.map((project) => project.title);
  const next: string | null | undefined = projects.next_cursor;
  const staff = await list(baseUrl, token, "/api/v1/staff", { role: ["agent"], q: "awa" });
  const names: string[] = staff.items.map((person) => person.full_name);

  const water = await getDomain(baseUrl, token, "water");
  const renamed = await updateDomain(baseUrl, token, water, { label_en: "Drinking water supply" });
  const label: string = renamed.value.label_en;
  const position: number = renamed.value.position;

  return [...codes, ...titles, ...names, next ?? "", label, String(position), String(expiresIn), refresh.slice(0, 0)];
}

// ---- Compile-time checks of the contract's strictness ------------------------------------------
// Each `@ts-expect-error` fails the build if the document stops rejecting the mistake below it.

/** `true` when `A` and `B` are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const checks = {
  // A list's JSON page is the list type, not a union with the CSV export's string.
  projectPage: true satisfies Same<ListPage<"/api/v1/projects">, Schemas["ProjectList"]>,
  staffPage: true satisfies Same<ListPage<"/api/v1/staff">, Schemas["StaffList"]>,
  // Multi-value filters are arrays of their codes.
  // @ts-expect-error `dreaming` is not a project status
  unknownStatus: { status: ["dreaming"] } satisfies ListQuery<"/api/v1/projects">,
  // Request bodies are closed (additionalProperties: false): an unknown field is an error.
  // @ts-expect-error `remember_me` is not a field of LoginRequest
  unknownField: { email: "a@b.ml", password: "x", remember_me: true } satisfies LoginRequest,
  // @ts-expect-error `password` is required
  missingPassword: { email: "a@b.ml" } satisfies LoginRequest,
  // @ts-expect-error `position` is a number
  wrongType: { position: "first" } satisfies DomainChanges,
  // Role and Division are closed sets.
  // @ts-expect-error `admin` is not a Role
  role: "admin" satisfies Schemas["Role"],
  division: "twinning" satisfies Schemas["Division"],
  // Answers: a member always sent is required, `T | null` when it may be null, never optional.
  changeEvent: {
    id: "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e",
    type: "project.status_changed",
    project_id: "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e",
    funding_line_id: null,
    occurred_at: "2026-03-01T10:00:00Z",
  } satisfies Schemas["ChangeEvent"],
  // @ts-expect-error `funding_line_id` is always sent (`null` when the event is not about a line)
  changeEventWithoutLine: { id: "e", type: "project.created", project_id: "p", occurred_at: "t" } satisfies Schemas["ChangeEvent"],
  projectSummary: null satisfies Schemas["ProjectResponse"]["summary"],
  // Codes in answers are closed sets.
  // @ts-expect-error `project.deleted` is not a change-event type
  changeType: "project.deleted" satisfies Schemas["ChangeEvent"]["type"],
  // @ts-expect-error `sent` is not a delivery status
  deliveryStatus: "sent" satisfies Schemas["DeliveryResponse"]["status"],
  // A member the server fills in (the currency, XOF) may be left out of a request.
  lineInXof: {
    partner_id: "0193a4b2-1111-7d2a-9f00-3b8f6a1c2d4e",
    kind: "commitment",
    amount: "1000000",
    transaction_date: "2026-03-01",
  } satisfies Schemas["CreateFundingLine"],
  // A problem document always has a type, a title, a status and a detail.
  problem: { type: "urn:djcd:problem:not-found", title: "Introuvable", status: 404, detail: "…", code: "not_found" } satisfies Problem,
  // @ts-expect-error `detail` is required
  problemWithoutDetail: { type: "urn:djcd:problem:not-found", title: "Introuvable", status: 404, code: "not_found" } satisfies Problem,
};
