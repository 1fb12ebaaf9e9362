// A real SAML 2.0 identity provider for the SSO tests: samlify on loopback, signing its
// assertions with the key it is given. Usage:
//   node saml.mjs PORT SP_ENTITY_ID ACS_URL CERT.pem KEY.pem [SP_SLS_URL SP_CERT.pem]
// GET /metadata: its metadata. GET /sso: the login form for MUS's AuthnRequest (HTTP-Redirect).
// POST /sso/login: the signed Response, posted on to MUS by a form. The form's hidden
// fields `audience` and `expired` let the tests ask for a wrong audience or a stale assertion.
// With MUS's single logout service and certificate, single logout (HTTP-Redirect, signed
// both ways): GET /slo takes MUS's LogoutRequest (its signature checked with SP_CERT) and
// answers with a LogoutResponse, or takes MUS's LogoutResponse to the IdP's own request and
// shows its status; GET /slo/start?login=NAME sends MUS the IdP's own LogoutRequest.
import http from "node:http";
import fs from "node:fs";
import crypto from "node:crypto";
import saml from "samlify";

const [port, spEntityId, acsUrl, certFile, keyFile, slsUrl, spCertFile] = process.argv.slice(2);
const redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const base = `http://localhost:${port}`;
saml.setSchemaValidator({ validate: () => Promise.resolve("the test IdP trusts MUS's requests") });

const accounts = {
  anne: { employee_number: "E100", email: "anne@kommune.dk", groups: [] },
  hanne: { employee_number: "H1", email: "hr@kommune.dk", groups: ["mus-hr"] },
  nobody: { employee_number: "X999", email: "nobody@kommune.dk", groups: [] },
};

const idp = saml.IdentityProvider({
  entityID: `${base}/metadata`,
  privateKey: fs.readFileSync(keyFile),
  signingCert: fs.readFileSync(certFile),
  singleSignOnService: [{ Binding: redirect, Location: `${base}/sso` }],
  singleLogoutService: slsUrl ? [{ Binding: redirect, Location: `${base}/slo` }] : [],
  nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"],
  wantLogoutRequestSigned: true, // MUS's LogoutRequest and LogoutResponse must be signed
  wantLogoutResponseSigned: true,
});
const sp = saml.ServiceProvider({
  entityID: spEntityId,
  assertionConsumerService: [
    { Binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", Location: acsUrl },
  ],
  singleLogoutService: slsUrl ? [{ Binding: redirect, Location: slsUrl }] : [],
  signingCert: spCertFile ? fs.readFileSync(spCertFile) : undefined,
  wantAssertionsSigned: true,
  wantLogoutRequestSigned: true, // so the IdP signs what it sends MUS
  wantLogoutResponseSigned: true,
});

// The signed part of a redirect-binding query, exactly as it came (SAML bindings 3.4.4.1).
function octetString(rawUrl) {
  const query = rawUrl.split("?")[1] ?? "";
  return query.split("&").filter((p) => /^(SAMLRequest|SAMLResponse|RelayState|SigAlg)=/.test(p)).join("&");
}

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function attributes(account) {
  const values = (name, list) =>
    `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
    list.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escape(v)}</saml:AttributeValue>`).join("") +
    "</saml:Attribute>";
  return (
    "<saml:AttributeStatement>" +
    values("employee_number", [account.employee_number]) +
    values("email", [account.email]) +
    (account.groups.length ? values("groups", account.groups) : "") +
    "</saml:AttributeStatement>"
  );
}

async function response(form) {
  const account = accounts[form.login] ?? { employee_number: "", email: `${form.login}@elsewhere.dk`, groups: [] };
  const shift = form.expired ? -3600 * 1000 : 0;
  const at = (seconds) => new Date(Date.now() + shift + seconds * 1000).toISOString();
  const { context } = await idp.createLoginResponse(sp, {}, "post", {}, (template) => {
    const id = "_" + crypto.randomUUID();
    const values = {
      ID: id,
      AssertionID: "_" + crypto.randomUUID(),
      Destination: acsUrl,
      Audience: form.audience || spEntityId,
      SubjectRecipient: acsUrl,
      NameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      NameID: form.login,
      Issuer: `${base}/metadata`,
      IssueInstant: at(0),
      ConditionsNotBefore: at(-60),
      ConditionsNotOnOrAfter: at(300),
      SubjectConfirmationDataNotOnOrAfter: at(300),
      InResponseTo: form.requestId,
      StatusCode: "urn:oasis:names:tc:SAML:2.0:status:Success",
    };
    // Markup goes in as it is; replaceTagsByValue escapes what it is given.
    const markup = {
      AuthnStatement: `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      AttributeStatement: attributes(account),
    };
    let context = template;
    for (const [tag, xml] of Object.entries(markup)) context = context.replace(`{${tag}}`, xml);
    return { id, context: saml.SamlLib.replaceTagsByValue(context, values) };
  });
  return context;
}

function page(body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head><body><main>${body}</main></body></html>`;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (url.pathname === "/metadata") {
      res.writeHead(200, { "Content-Type": "application/samlmetadata+xml" });
      return res.end(idp.getMetadata());
    }
    if (url.pathname === "/sso" && req.method === "GET") {
      const query = Object.fromEntries(url.searchParams);
      const { extract } = await idp.parseLoginRequest(sp, "redirect", { query, octetString: "" });
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(page(
        `<h1>Test identity provider</h1><form method="post" action="/sso/login">` +
        `<input type="hidden" name="requestId" value="${escape(extract.request.id)}">` +
        `<input type="hidden" name="relayState" value="${escape(query.RelayState ?? "")}">` +
        `<label>Username <input name="login" autofocus></label> <button type="submit">Sign in</button></form>`
      ));
    }
    if (url.pathname === "/sso/login" && req.method === "POST") {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const form = Object.fromEntries(new URLSearchParams(raw));
      const samlResponse = await response(form);
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(page(
        `<form id="answer" method="post" action="${escape(acsUrl)}">` +
        `<input type="hidden" name="SAMLResponse" value="${escape(samlResponse)}">` +
        `<input type="hidden" name="RelayState" value="${escape(form.relayState ?? "")}">` +
        `<button type="submit">Continue to MUS</button></form>` +
        `<script>document.getElementById("answer").submit()</script>`
      ));
    }
    if (url.pathname === "/slo" && req.method === "GET") {
      const query = Object.fromEntries(url.searchParams);
      const request = { query, octetString: octetString(req.url) };
      if (query.SAMLRequest) {
        const asked = await idp.parseLogoutRequest(sp, "redirect", request);
        const { context } = idp.createLogoutResponse(sp, asked, "redirect", query.RelayState ?? "");
        res.writeHead(302, { Location: context });
        return res.end();
      }
      // samlify refuses a LogoutResponse whose status is not Success; its error names it.
      const status = await idp.parseLogoutResponse(sp, "redirect", request).then(
        (answered) => /StatusCode[^>]*Value="[^"]*:([A-Za-z]+)"/.exec(answered.samlContent)?.[1],
        (error) => /ERR_FAILED_STATUS.*:([A-Za-z]+)$/.exec(String(error.message))?.[1] ?? Promise.reject(error),
      );
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(page(`<h1>Logged out of the test IdP</h1><p>MUS answered: ${escape(status)}</p>`));
    }
    if (url.pathname === "/slo/start" && req.method === "GET") {
      const login = url.searchParams.get("login");
      const { context } = idp.createLogoutRequest(sp, "redirect", { logoutNameID: login }, "");
      res.writeHead(302, { Location: context });
      return res.end();
    }
    res.writeHead(404).end();
  } catch (error) {
    console.error(error);
    res.writeHead(400, { "Content-Type": "text/plain" }).end(String(error));
  }
});
server.listen(Number(port), "127.0.0.1", () => console.log(`saml ready ${port}`));
