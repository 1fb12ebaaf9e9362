// A real OpenID provider for the SSO tests: oidc-provider on loopback, its own login
// form (devInteractions) accepting the accounts below. Usage: node oidc.mjs PORT REDIRECT_URI
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const accounts = {
  anne: { email: "anne@kommune.dk", email_verified: true, employee_number: "E100", groups: [] },
  hanne: { email: "hr@kommune.dk", email_verified: true, employee_number: "H1", groups: ["mus-hr"] },
  nobody: { email: "nobody@kommune.dk", email_verified: true, employee_number: "X999", groups: [] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "mus",
      client_secret: "mus-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri.replace(/\/sso\/oidc\/callback\/$/, "/login/")],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["employee_number", "groups"] },
  conformIdTokenClaims: false, // the claims ride in the ID token, as Entra's optional claims do
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const claims = accounts[id] ?? { email: `${id}@elsewhere.dk`, email_verified: false };
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`oidc ready ${port}`));
