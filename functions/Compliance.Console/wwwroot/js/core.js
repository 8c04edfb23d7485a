// The console's shared parts: language, API calls, sign-in and small DOM helpers.
import { messages } from "./messages.js";

const LANG_KEY = "compliance.lang";
const TOKEN_KEY = "compliance.session";

export const state = {
  lang: localStorage.getItem(LANG_KEY) || ((navigator.language || "ko").toLowerCase().startsWith("ko") ? "ko" : "en"),
  session: JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null"),
  devTokens: false,
  msal: null,
};

export function t(key, values = {}) {
  const text = messages[state.lang][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function setLang(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
}

/** Builds an element: h("button", {type: "button", onclick}, "text", child…). */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A labelled control; the label is tied to the control by id. */
let fieldCount = 0;
export function field(labelKey, control, hint) {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  return h("div", {}, h("label", { for: id }, t(labelKey)), hint ? h("div", { class: "hint" }, hint) : null, control);
}

export class ProblemError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || String(status));
    this.problem = problem;
    this.status = status;
  }
}

export function showProblem(error) {
  const box = document.getElementById("problem");
  const problem = error instanceof ProblemError ? error.problem : { title: t("error"), detail: error.message };
  box.replaceChildren(h("strong", {}, problem.title || t("error")), problem.detail ? ` — ${problem.detail}` : "");
  box.hidden = false;
}

export function clearMessages() {
  document.getElementById("problem").hidden = true;
  document.getElementById("notice").textContent = "";
}

export function notify(text) {
  document.getElementById("problem").hidden = true;
  document.getElementById("notice").textContent = text;
}

export async function bearer() {
  if (state.session?.msal && state.msal) {
    const account = state.msal.getAllAccounts()[0];
    const result = await state.msal.acquireTokenSilent({ account, scopes: state.session.scopes });
    return result.accessToken;
  }
  return state.session?.token;
}

/**
 * Calls the API. Every mutating call is one user action and carries a fresh Idempotency-Key.
 * A problem+json answer becomes a ProblemError carrying its title and detail.
 */
export async function api(path, { method = "GET", body, headers = {}, accept = "application/json", anonymous = false } = {}) {
  const sent = { Accept: accept, ...headers };
  const token = anonymous ? null : await bearer();
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") sent["Idempotency-Key"] = crypto.randomUUID();
  const response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    const problem = type.includes("json") ? await response.json() : { title: `HTTP ${response.status}`, detail: await response.text() };
    throw new ProblemError(problem, response.status);
  }
  if (accept !== "application/json") return await response.text();
  return response.status === 204 ? null : await response.json();
}

/** Runs a user action: clears old messages, disables the button while it runs, shows any problem. */
export async function act(button, action) {
  clearMessages();
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    showProblem(error);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function saveSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function formatTime(value) {
  return value ? new Date(value).toLocaleString(state.lang === "ko" ? "ko-KR" : "en-GB", { dateStyle: "medium", timeStyle: "short" }) : "—";
}

export function formatDuration(seconds) {
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(Math.trunc(seconds));
  const d = Math.trunc(s / 86400); s -= d * 86400;
  const hh = Math.trunc(s / 3600); s -= hh * 3600;
  const mm = Math.trunc(s / 60); s -= mm * 60;
  const clock = `${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return sign + (d > 0 ? `${d}${t("daysShort")} ` : "") + clock;
}

/** A countdown to an order's deadline, updated every second by tickCountdowns. */
export function countdown(order) {
  const node = h("span", { class: "countdown" });
  if (order.clockPaused) node.textContent = t("clockPaused");
  else if (!order.dueAt) node.textContent = "—";
  else node.dataset.due = order.dueAt;
  return node;
}

export function tickCountdowns() {
  for (const node of document.querySelectorAll(".countdown[data-due]")) {
    const seconds = (new Date(node.dataset.due) - Date.now()) / 1000;
    node.textContent = seconds < 0 ? t("overdueBy", { time: formatDuration(-seconds) }) : formatDuration(seconds);
    node.classList.toggle("overdue", seconds < 0);
    node.classList.toggle("soon", seconds >= 0 && seconds < 3600);
  }
}

const OPEN_STATUSES = ["issued", "acknowledged", "objected"];

/** Orders still waiting for an answer, the earliest deadline first (a paused clock last). */
export function openByDeadline(orders) {
  return orders.filter((o) => OPEN_STATUSES.includes(o.status)).sort((a, b) => (a.dueAt ?? "9").localeCompare(b.dueAt ?? "9"));
}

export function statusText(status) {
  return t(`status.${status}`);
}

/** A drop zone that also opens a file picker from the keyboard (Enter or Space) or a click. */
export function dropZone(labelKey, accept, multiple, onFiles) {
  const input = h("input", { type: "file", accept, multiple, class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
  const zone = h("div", { class: "drop", role: "button", tabindex: "0", "aria-label": t(labelKey) }, t(labelKey));
  const pick = () => input.click();
  zone.addEventListener("click", pick);
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); onFiles([...e.dataTransfer.files]); });
  input.addEventListener("change", () => { onFiles([...input.files]); input.value = ""; });
  return h("div", {}, zone, input);
}

/**
 * Gives every table cell its column's heading as data-label, so narrow screens can show each row as
 * a card (see app.css) instead of squeezing the columns.
 */
export function labelTablesIn(root) {
  const label = (table) => {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => { cell.dataset.label = headings[i] ?? ""; });
    }
  };
  new MutationObserver(() => root.querySelectorAll("table").forEach(label)).observe(root, { childList: true, subtree: true });
}
