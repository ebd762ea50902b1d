#!/usr/bin/env node
// Swagger UI smoke test: the page a person opens to try the API.
//
//   BASE_URL=http://127.0.0.1:8080 node contract/swagger-ui.mjs ["GET /api/v1/domains"]
//
// Opens BASE_URL/swagger-ui/ in Debian's headless Chromium (playwright-core, no browser download),
// checks that every tag of the OpenAPI document renders as a section, gets a token from the API,
// enters it in the Authorize dialog (bearer), runs "Try it out" -> "Execute" on one operation and
// checks that the rendered answer is a 200 with data, sent with the token to BASE_URL itself. Saves a
// screenshot to target/contract/swagger-ui.png. Exits non-zero on any failure.
//
// Settings (environment):
//   BASE_URL             the server (required; loopback only)
//   SWAGGER_OPERATION    the operation to execute, "METHOD /path" (default "GET /api/v1/domains";
//                        the first argument wins). Later: "GET /api/v1/projects".
//   ACCESS_TOKEN         a bearer token to use; otherwise one is got from POST /api/v1/auth/login
//   SWAGGER_AUTH         "bearer" (default: paste the token) or "password": sign in through the
//                        `password` scheme (e-mail and password, exchanged by Swagger UI at
//                        POST /api/v1/auth/token), then check that a reload keeps the authorization
//                        (persistAuthorization)
//   LOGIN_EMAIL, LOGIN_PASSWORD  the account for that login (default: the CI bootstrap director)
//   SCREENSHOT           where to save the screenshot (default <repo>/target/contract/swagger-ui.png)
//   CHROMIUM             the browser (default /usr/bin/chromium)
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const baseUrl = (process.env.BASE_URL ?? "").replace(/\/+$/, "");
const operationArg = process.argv[2] ?? process.env.SWAGGER_OPERATION ?? "GET /api/v1/domains";
const screenshot = resolve(process.env.SCREENSHOT ?? join(here, "..", "target", "contract", "swagger-ui.png"));
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const timeout = 20_000;
const authMode = process.env.SWAGGER_AUTH ?? "bearer";
const loginEmail = process.env.LOGIN_EMAIL ?? "director@djcd.test";
const loginPassword = process.env.LOGIN_PASSWORD ?? "Bamako-Leipzig-1966!";

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`FAIL ${message}`);
};
const ok = (message) => console.log(`ok   ${message}`);

function die(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(baseUrl)) {
  die(`BASE_URL must be a loopback URL such as http://127.0.0.1:8080 (got "${baseUrl}")`);
}
const baseOrigin = new URL(baseUrl).origin;

const match = /^(GET|POST|PUT|PATCH|DELETE)\s+(\/\S*)$/i.exec(operationArg.trim());
if (!match) die(`the operation must look like "GET /api/v1/domains" (got "${operationArg}")`);
const method = match[1].toLowerCase();
const path = match[2];

// ---- The document and a token, straight from the API ------------------------------------------

async function getJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

const spec = await getJson(`${baseUrl}/api-docs/openapi.json`);
if (spec.status !== 200 || typeof spec.body !== "object") die(`GET /api-docs/openapi.json answered ${spec.status}`);
const document = spec.body;
const operation = document.paths?.[path]?.[method];
if (!operation) die(`the document has no operation ${method.toUpperCase()} ${path}`);
if (!operation.operationId || !operation.tags?.length) die(`${method.toUpperCase()} ${path} needs an operationId and a tag`);
if (Object.values(operation.parameters ?? []).some((p) => p.required)) {
  die(`${method.toUpperCase()} ${path} has required parameters; this test executes operations without input`);
}
const tags = [
  ...new Set([
    ...(document.tags ?? []).map((tag) => tag.name),
    ...Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => op?.tags ?? [])),
  ]),
];

let token = process.env.ACCESS_TOKEN;
if (!token) {
  const login = await getJson(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      email: loginEmail,
      password: loginPassword,
    }),
  });
  if (login.status !== 200 || !login.body?.access_token) {
    die(`POST /api/v1/auth/login answered ${login.status}: ${JSON.stringify(login.body)}`);
  }
  token = login.body.access_token;
}
ok(`document loaded (${tags.length} tags), token obtained`);

// ---- The browser ------------------------------------------------------------------------------

const userDataDir = mkdtempSync(join(tmpdir(), "djcd-swagger-ui-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
  locale: "en-US",
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);

  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });

  // Swagger UI must need nothing but the server itself (its assets are vendored); any request to
  // another origin is refused and reported. So is Try it out aimed at another server.
  const foreign = [];
  const apiCalls = [];
  await context.route("**/*", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    if (url.origin !== baseOrigin) {
      foreign.push(`${request.method()} ${request.url()}`);
      return route.abort("blockedbyclient");
    }
    if (url.pathname === path && request.method().toLowerCase() === method) {
      apiCalls.push({ url: request.url(), authorization: (await request.allHeaders()).authorization ?? "" });
    }
    return route.continue();
  });

  await page.goto(`${baseUrl}/swagger-ui/`, { waitUntil: "domcontentloaded" });
  await page.locator(".swagger-ui .information-container .title").first().waitFor();
  const title = (await page.locator(".swagger-ui .information-container .title").first().innerText()).trim();
  if (title.startsWith(document.info.title)) ok(`page shows the document "${title.split("\n")[0]}"`);
  else fail(`page title is "${title}", expected the document's "${document.info.title}"`);

  await page.locator(".opblock-tag-section").first().waitFor();
  for (const tag of tags) {
    const section = page.locator(`.opblock-tag-section h3.opblock-tag[data-tag="${tag}"]`);
    if ((await section.count()) === 1) ok(`tag "${tag}" renders as a section`);
    else fail(`tag "${tag}" does not render as a section`);
  }

  // Which server Try it out will call.
  const serverSelect = page.locator(".swagger-ui .servers select");
  if ((await serverSelect.count()) > 0) {
    const selected = await serverSelect.first().inputValue();
    const target = new URL(selected, `${baseUrl}/swagger-ui/`).origin;
    if (target !== baseOrigin) {
      fail(
        `Swagger UI's server is "${selected}" (the document's servers[0].url), not this server (${baseOrigin}): ` +
          `Try it out calls the wrong host wherever the API is not at that address. Use a relative URL ("/") in servers.`,
      );
    } else ok(`Try it out targets this server ("${selected}")`);
  }

  if (authMode === "password") {
    // Authorize with the password flow: Swagger UI posts the form to the token endpoint itself.
    await page.locator(".swagger-ui .auth-wrapper button.authorize").first().click();
    const flow = page.locator(".swagger-ui .modal-ux .auth-container").filter({ has: page.locator("h4", { hasText: /^password/ }) });
    await flow.locator("input#oauth_username").fill(loginEmail);
    await flow.locator("input#oauth_password").fill(loginPassword);
    await flow.locator("button.authorize").click();
    await flow.locator("button:has-text('Logout')").waitFor();
    ok("Authorize signed in with the password flow");
    await page.locator(".swagger-ui .modal-ux button.btn-done, .swagger-ui .modal-ux button:has-text('Close')").first().click();
    await page.locator(".swagger-ui .modal-ux").waitFor({ state: "detached" });
    // persistAuthorization: the sign-in survives a reload of the page.
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.locator(".opblock-tag-section").first().waitFor();
    if ((await page.locator(".swagger-ui .auth-wrapper button.authorize.locked").count()) > 0) {
      ok("the authorization survives a reload (persistAuthorization)");
    } else fail("a reload lost the authorization (persistAuthorization)");
  } else {
    // Authorize with the bearer token.
    await page.locator(".swagger-ui .auth-wrapper button.authorize").first().click();
    const bearer = page.locator(".swagger-ui .modal-ux .auth-container").filter({ has: page.locator("h4", { hasText: /^bearer/ }) });
    await bearer.locator("input").first().fill(token);
    await bearer.locator("button.authorize").click();
    await bearer.locator("button.btn-done, button:has-text('Close')").first().click();
    await page.locator(".swagger-ui .modal-ux").waitFor({ state: "detached" });
  }
  const locked = await page.locator(".swagger-ui .auth-wrapper button.authorize.locked").count();
  if (locked > 0) ok(`Authorize accepted the ${authMode} sign-in`);
  else fail("the Authorize button does not show the authorized (locked) state");

  // Try it out -> Execute.
  const tag = operation.tags[0];
  const block = page.locator(`#operations-${tag}-${operation.operationId}`);
  await block.locator(".opblock-summary").first().click();
  await block.locator("button.try-out__btn").click();
  await block.locator("button.execute").click();
  const row = block.locator(".live-responses-table .response").first();
  await row.waitFor();
  const status = (await row.locator(".response-col_status").innerText()).trim();
  const bodyBlock = row.locator(".response-col_description pre.microlight, .response-col_description pre");
  const bodyText = (
    (await bodyBlock.count()) > 0
      ? await bodyBlock.first().innerText()
      : await row.locator(".response-col_description").innerText()
  ).trim();
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const summary = `${method.toUpperCase()} ${path}`;
  if (status === "200") ok(`${summary} rendered status 200`);
  else fail(`${summary} rendered status ${status || "(none)"}: ${bodyText.slice(0, 300)}`);
  const items = Array.isArray(body) ? body : Array.isArray(body?.items) ? body.items : null;
  if (items && items.length > 0) ok(`${summary} rendered ${items.length} items`);
  else if (body && typeof body === "object" && !items && Object.keys(body).length > 0) ok(`${summary} rendered a JSON object`);
  else fail(`${summary} rendered no data: ${bodyText.slice(0, 300)}`);

  const call = apiCalls.at(-1);
  if (!call) fail(`Execute sent no request to ${baseOrigin}${path}`);
  else if (authMode === "password" ? !/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(call.authorization) : call.authorization !== `Bearer ${token}`) {
    fail(`Execute sent ${call.url} without the bearer token`);
  }
  else ok(`Execute sent ${call.url} with the bearer token`);

  if (foreign.length > 0) fail(`the page tried to reach other origins: ${[...new Set(foreign)].join(", ")}`);
  const errors = pageErrors.filter((text) => !/ERR_BLOCKED_BY_CLIENT/.test(text));
  if (errors.length > 0) fail(`the page logged errors: ${errors.slice(0, 5).join(" | ")}`);

} catch (error) {
  fail(`${error?.message ?? error}`);
} finally {
  // The screenshot is taken whatever happened: on a failure it shows what the page looked like.
  try {
    // The executed operation with its rendered answer; the top of the page when none is open.
    const page = context.pages()[0];
    const block = page.locator(".opblock.is-open").first();
    mkdirSync(dirname(screenshot), { recursive: true });
    if ((await block.count()) > 0) await block.screenshot({ path: screenshot, timeout: 10_000 });
    else await page.screenshot({ path: screenshot, timeout: 10_000 });
    console.log(`     screenshot saved to ${screenshot}`);
  } catch (error) {
    fail(`no screenshot: ${error?.message ?? error}`);
  }
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`swagger-ui: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log("swagger-ui: all checks passed");
