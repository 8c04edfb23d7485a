// Entry point: sign-in (development tokens under the local host, Microsoft Entra ID in Azure) and hash routing.
import { state, t, h, api, act, field, setLang, saveSession, tickCountdowns, clearMessages, showProblem, labelTablesIn } from "./core.js";
import { commissionPage } from "./commission.js";
import { providerPage } from "./provider.js";
import { regulatorPage } from "./regulator.js";
import { supportPage, statusPage } from "./support.js";

const PAGES = {
  commission: { role: "commission", render: commissionPage },
  provider: { role: "provider", render: providerPage },
  regulator: { role: "regulator", render: regulatorPage },
  support: { role: "support", render: supportPage },
  status: { role: null, render: statusPage },
};

function renderNav(current) {
  const nav = document.getElementById("nav");
  nav.replaceChildren(...Object.keys(PAGES).map((name) =>
    h("a", { href: `#/${name}`, "aria-current": name === current ? "page" : undefined }, t(`page.${name}`))));
  const who = document.getElementById("who");
  who.textContent = state.session ? t("signedInAs", { role: t(`role.${state.session.role}`), subject: state.session.subject }) : "";
  document.getElementById("sign-out").hidden = !state.session;
}

/** Under the local host only: a role picker that mints development tokens. */
function devSignIn(main, wanted) {
  const role = h("select", { id: "dev-role" }, ["commission", "provider", "regulator", "support"].map((r) => h("option", { value: r, selected: r === wanted }, t(`role.${r}`))));
  const subject = h("input", { id: "dev-subject", type: "text", value: "officer-1", autocomplete: "off" });
  const provider = h("input", { id: "dev-provider", type: "text", value: "prov-a", autocomplete: "off" });
  const providerField = field("providerId", provider);
  const sync = () => { providerField.hidden = role.value !== "provider"; };
  role.addEventListener("change", sync);
  sync();
  const button = h("button", { type: "submit" }, t("signIn"));
  const form = h("form", { class: "card-form" }, field("role", role), field("subject", subject), providerField, button);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(button, async () => {
      const body = { role: role.value, subject: subject.value, providerId: role.value === "provider" ? provider.value : undefined };
      const minted = await api("/api/dev/tokens", { method: "POST", body, anonymous: true });
      saveSession({ token: minted.token, role: role.value, subject: subject.value, providerId: body.providerId });
      location.hash = `#/${role.value}`;
      route();
    });
  });
  main.append(h("section", { class: "card" }, h("h2", {}, t("signInTitle")), h("p", {}, t("devSignInHint")), form));
}

async function loadMsal() {
  if (state.msal) return state.msal;
  const settings = await api("/api/v1/console/settings", { anonymous: true });
  if (!settings.clientId) throw new Error(t("noSignIn"));
  // MSAL comes from npm (pinned in package-lock.json) and is served by the app, never from a CDN.
  await new Promise((resolve, reject) => document.head.append(h("script", { src: "vendor/msal-browser.min.js", onload: resolve, onerror: reject })));
  state.msal = new window.msal.PublicClientApplication({ auth: { clientId: settings.clientId, authority: settings.authority, redirectUri: `${location.origin}/` } });
  await state.msal.initialize();
  const result = await state.msal.handleRedirectPromise();
  const account = result?.account ?? state.msal.getAllAccounts()[0];
  if (account && !state.session) {
    const roles = account.idTokenClaims?.roles ?? [];
    saveSession({ msal: true, scopes: settings.scopes, role: (roles[0] || "regulator").toLowerCase(), subject: account.username, providerId: account.idTokenClaims?.provider_id });
  }
  state.msalScopes = settings.scopes;
  return state.msal;
}

function entraSignIn(main) {
  const button = h("button", { type: "button" }, t("signInEntra"));
  button.addEventListener("click", () => act(button, async () => {
    const msal = await loadMsal();
    await msal.loginRedirect({ scopes: state.msalScopes });
  }));
  main.append(h("section", { class: "card" }, h("h2", {}, t("signInTitle")), button));
}

export function route() {
  clearMessages();
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1] || (state.session ? state.session.role : "status");
  const page = PAGES[name] ?? PAGES.status;
  const main = document.getElementById("main");
  main.replaceChildren();
  renderNav(name);
  if (page.role && !state.session) {
    if (state.devTokens) devSignIn(main, page.role);
    else entraSignIn(main);
    return;
  }
  Promise.resolve(page.render(main)).catch(showProblem);
}

async function start() {
  setLang(state.lang);
  const lang = document.getElementById("lang");
  lang.value = state.lang;
  lang.addEventListener("change", () => { setLang(lang.value); route(); });
  document.getElementById("sign-out").addEventListener("click", () => {
    saveSession(null);
    if (state.msal) state.msal.logoutRedirect();
    else route();
  });
  // Only the local host answers here; the deployed app has no such route and signs in with Entra ID.
  state.devTokens = (await fetch("/api/dev/tokens").catch(() => null))?.ok === true;
  if (!state.devTokens) await loadMsal().catch(() => undefined);
  labelTablesIn(document.getElementById("main"));
  window.addEventListener("hashchange", route);
  setInterval(tickCountdowns, 1000);
  route();
  document.body.dataset.ready = "true";
}

start();
